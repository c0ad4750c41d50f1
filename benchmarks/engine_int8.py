"""PyTorch quantized-CPU peer of `swiftnas-bench engine-int8-infer` (issue 18, "Measured").

Builds the same static `fashion_mbv3` sub-networks as benchmarks/engine_infer.py (smallest k=3 e=3 d=2, median
k=5 e=4 d=3, largest k=7 e=6 d=4, random weights), quantizes each the way PyTorch's post-training static
quantization does (FX graph mode: `prepare_fx` with the backend's default qconfig mapping — per-channel int8
weights, per-tensor uint8 activations observed by min/max histograms —, conv + batch norm (+ ReLU) fused,
calibration on 32 random images, `convert_fx`), and times forward passes of the float and the int8 model at batch
1 and 256 with `torch.set_num_threads(T)`: warm-up passes, then the median wall-clock milliseconds. Every x86
quantized CPU backend this PyTorch has (`x86`, `fbgemm`, `onednn`; Debian's 1.13 build has only `onednn`) is timed;
the fastest is the peer. `qnnpack` (PyTorch's backend for ARM phones) is left out by default: on the largest
sub-network it held 3.2 GB at batch 16 and was killed for memory at batch 256 on a 24 GB machine.

Prints one JSON line per case. Usage: engine_int8.py --threads T [--backends x86 fbgemm …]
"""
import argparse
import copy
import json
import statistics
import sys
import time

import warnings

import torch
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

from engine_infer import BATCHES, CONFIGS, network


def median_ms(model, x, warmup, repeats):
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def quantized(model, backend):
    torch.backends.quantized.engine = backend
    example = torch.randn(32, 1, 28, 28)
    prepared = prepare_fx(model, get_default_qconfig_mapping(backend), example_inputs=(example[:1],))
    with torch.inference_mode():
        prepared(example)
    return convert_fx(prepared)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--backends", nargs="+", default=["x86", "fbgemm", "onednn"],
                        help="quantized backends to try, of those this PyTorch has")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")  # PyTorch 2.x's deprecation notice for FX quantization (moving to torchao)
    torch.manual_seed(0)
    backends = [b for b in args.backends if b in torch.backends.quantized.supported_engines]
    for name, (k, e, d) in CONFIGS.items():
        model = network(k, e, d)
        int8 = {}
        for backend in backends:
            try:
                int8[backend] = quantized(copy.deepcopy(model), backend)
            except Exception as error:  # a backend that cannot quantize this network is left out, with the reason
                print(f"engine_int8.py: backend {backend} skipped: {error}", file=sys.stderr)
        for batch, warmup, repeats in BATCHES:
            x = torch.randn(batch, 1, 28, 28)
            float_ms = median_ms(model, x, warmup, repeats)
            times = {}
            for backend, q in int8.items():
                torch.backends.quantized.engine = backend
                try:
                    times[backend] = median_ms(q, x, warmup, repeats)
                except Exception as error:
                    print(f"engine_int8.py: backend {backend} failed on {name} at batch {batch}: {error}", file=sys.stderr)
            best = min(times, key=times.get)
            print(json.dumps({"case": name, "batch": batch, "threads": args.threads, "fp32_ms": float_ms,
                              "int8_ms": times[best], "backend": best, "backends": times}), flush=True)


if __name__ == "__main__":
    main()
