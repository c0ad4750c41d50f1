# Sourced by the benchmark scripts: the Python interpreter that runs the peer library.
#
# peer_python OVERRIDE WORK PIP_ARGS...
#   prints OVERRIDE when it is set (an interpreter that already has the packages); otherwise creates a throwaway
#   venv in WORK/v (removed with WORK by the caller), installs PIP_ARGS into it and prints its python.
peer_python() {
    local override=$1 work=$2
    shift 2
    if [[ -n "$override" ]]; then
        echo "$override"
        return
    fi
    python3 -m venv "$work/v" >&2 || return 1
    "$work/v/bin/pip" install --quiet --disable-pip-version-check "$@" >&2 || return 1
    echo "$work/v/bin/python"
}
