# Sourced by .ci/run (and by developers: `source scripts/throwaway-postgres.sh; swift test`): starts throwaway
# PostgreSQL clusters on 127.0.0.1, on free ports, in temporary folders, with random passwords, and stops and deletes
# them when the shell exits. Needs Debian's `postgresql` package (.ci/run installs it when absent). Exports:
#   SWIFTNAS_TEST_POSTGRES_URL          the store tests' server
#   SWIFTNAS_TEST_POSTGRES_RESTART_URL  a second server, for the test that restarts its server mid-search (so the
#                                       other tests, running in parallel, never see it go away)
#   SWIFTNAS_TEST_POSTGRES_RESTART      a script that restarts that second server with a two-second outage
swiftnas_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
swiftnas_pg_dirs=()
swiftnas_pg_as=()
[ "$(id -u)" = 0 ] && swiftnas_pg_as=(runuser -u postgres --)   # initdb refuses to run as root

# Starts one cluster; prints its URL and leaves its folder in swiftnas_pg_dir.
swiftnas_pg_start() {
  swiftnas_pg_dir=$(mktemp -d /tmp/swiftnas-pg.XXXXXX)
  swiftnas_pg_dirs+=("$swiftnas_pg_dir")
  [ "$(id -u)" = 0 ] && chown postgres "$swiftnas_pg_dir"
  local port password options
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  echo "$password" > "$swiftnas_pg_dir/password"
  chmod 600 "$swiftnas_pg_dir/password"
  [ "$(id -u)" = 0 ] && chown postgres "$swiftnas_pg_dir/password"
  "${swiftnas_pg_as[@]}" "$swiftnas_pg_bin/initdb" -D "$swiftnas_pg_dir/data" -U swiftnas --pwfile="$swiftnas_pg_dir/password" \
    -A scram-sha-256 >/dev/null
  options="-p $port -k $swiftnas_pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200"
  "${swiftnas_pg_as[@]}" "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -l "$swiftnas_pg_dir/log" -w -o "$options" start >/dev/null
  cat > "$swiftnas_pg_dir/restart" <<RESTART
#!/bin/sh
${swiftnas_pg_as[*]} "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -m fast -w stop >/dev/null 2>&1 </dev/null || exit 1
sleep 2
exec ${swiftnas_pg_as[*]} "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -l "$swiftnas_pg_dir/log" -w -o "$options" start >/dev/null 2>&1 </dev/null
RESTART
  chmod 755 "$swiftnas_pg_dir/restart"
  swiftnas_pg_url="postgresql://swiftnas:$password@127.0.0.1:$port/postgres"
}

if [ -z "$swiftnas_pg_bin" ]; then
  echo "throwaway-postgres: no PostgreSQL server (apt-get install postgresql); its tests will be skipped" >&2
else
  trap 'for d in "${swiftnas_pg_dirs[@]}"; do "${swiftnas_pg_as[@]}" "$swiftnas_pg_bin/pg_ctl" -D "$d/data" -m immediate stop >/dev/null 2>&1; rm -rf "$d"; done' EXIT
  swiftnas_pg_start
  export SWIFTNAS_TEST_POSTGRES_URL="$swiftnas_pg_url"
  swiftnas_pg_start
  export SWIFTNAS_TEST_POSTGRES_RESTART_URL="$swiftnas_pg_url"
  export SWIFTNAS_TEST_POSTGRES_RESTART="$swiftnas_pg_dir/restart"
  echo "throwaway-postgres: PostgreSQL $("$swiftnas_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1, two clusters" >&2
fi
