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

# torch_python OVERRIDE NAME
#   prints the Python that runs a PyTorch peer: OVERRIDE when set, else /usr/bin/python3 with Debian's CPU-only
#   PyTorch, installed with apt-get when absent (as root). PyPI's Linux `torch` is the CUDA build: its wheel cannot
#   be imported without the nvidia-* wheels (`libcublasLt.so not found`), about 5.4 GB and six minutes before the first
#   CPU measurement, and the CPU-only wheels are not on PyPI; Debian's `python3-torch` (PyTorch 1.13.1, OpenBLAS) is
#   228 packages, 185 MB. NAME prefixes the messages; fails with a message when there is no way to get torch.
torch_python() {
    local override=$1 name=$2
    local python="${override:-/usr/bin/python3}"
    if ! "$python" -c 'import torch' 2>/dev/null; then
        if [[ -z "$override" && "$(id -u)" == 0 ]]; then
            echo "$name: installing Debian's CPU-only PyTorch (python3-torch, about 185 MB)" >&2
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >&2 || return 1
        else
            echo "$name: $python has no torch: apt-get install python3-torch (CPU-only, 185 MB), or set SWIFTNAS_BENCH_PYTHON" >&2
            return 1
        fi
    fi
    echo "$python"
}
