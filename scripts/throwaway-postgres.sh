# Sourced by .ci/run (and by developers: `source scripts/throwaway-postgres.sh; swift test`): starts a throwaway
# PostgreSQL cluster on 127.0.0.1, on a free port, in a temporary folder, with a random password, exports its URL
# as SWIFTNAS_TEST_POSTGRES_URL for the PostgreSQL store tests, and stops and deletes it when the shell exits.
# Needs Debian's `postgresql` package (.ci/run installs it when absent).
swiftnas_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$swiftnas_pg_bin" ]; then
  echo "throwaway-postgres: no PostgreSQL server (apt-get install postgresql); its tests will be skipped" >&2
else
  swiftnas_pg_dir=$(mktemp -d /tmp/swiftnas-pg.XXXXXX)
  swiftnas_pg_as=()
  if [ "$(id -u)" = 0 ]; then   # initdb refuses to run as root
    chown postgres "$swiftnas_pg_dir"
    swiftnas_pg_as=(runuser -u postgres --)
  fi
  swiftnas_pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  swiftnas_pg_password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  echo "$swiftnas_pg_password" > "$swiftnas_pg_dir/password"
  chmod 600 "$swiftnas_pg_dir/password"
  [ "$(id -u)" = 0 ] && chown postgres "$swiftnas_pg_dir/password"
  "${swiftnas_pg_as[@]}" "$swiftnas_pg_bin/initdb" -D "$swiftnas_pg_dir/data" -U swiftnas --pwfile="$swiftnas_pg_dir/password" \
    -A scram-sha-256 >/dev/null
  "${swiftnas_pg_as[@]}" "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -l "$swiftnas_pg_dir/log" -w \
    -o "-p $swiftnas_pg_port -k $swiftnas_pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  # A restart with a two-second outage between, for the tests that survive one (SWIFTNAS_TEST_POSTGRES_RESTART).
  cat > "$swiftnas_pg_dir/restart" <<RESTART
#!/bin/sh
${swiftnas_pg_as[*]} "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -m fast -w stop >/dev/null 2>&1 </dev/null || exit 1
sleep 2
exec ${swiftnas_pg_as[*]} "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -l "$swiftnas_pg_dir/log" -w \
  -o "-p $swiftnas_pg_port -k $swiftnas_pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null 2>&1 </dev/null
RESTART
  chmod 755 "$swiftnas_pg_dir/restart"
  export SWIFTNAS_TEST_POSTGRES_RESTART="$swiftnas_pg_dir/restart"
  export SWIFTNAS_TEST_POSTGRES_URL="postgresql://swiftnas:$swiftnas_pg_password@127.0.0.1:$swiftnas_pg_port/postgres"
  trap '"${swiftnas_pg_as[@]}" "$swiftnas_pg_bin/pg_ctl" -D "$swiftnas_pg_dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$swiftnas_pg_dir"' EXIT
  echo "throwaway-postgres: PostgreSQL $("$swiftnas_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$swiftnas_pg_port" >&2
fi
