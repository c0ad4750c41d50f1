"""PyTorch CPU peer of `swiftnas-bench engine-infer` (issue 4, "Measured in benchmarks").

Builds the same static sub-networks of the `fashion_mbv3` plan (docs/supernet.md) — smallest
(k=3, e=3, d=2), median (k=5, e=4, d=3) and largest (k=7, e=6, d=4) — with random weights, and times
forward passes in eval mode at batch 1 and batch 256 with `torch.set_num_threads(T)`: warm-up passes,
then the median wall-clock and the median process-CPU milliseconds of the timed passes (the same counts
as the Swift side). Four variants are timed per
case (torch.no_grad / torch.inference_mode × contiguous NCHW / channels_last); the fastest is the peer.

Prints one JSON line per case (`ms` wall clock, `cpu_ms` process CPU time). Usage: engine_infer.py --threads T
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

# Plan (docs/supernet.md, Sources/SwiftNASSupernet/Plan.swift).
STEM = 16
WIDTHS = [24, 32, 48, 64, 96]
STRIDES = [2, 1, 2, 1, 2]
HSWISH = [False, False, True, True, True]
SE = [False, True, False, True, True]
FINAL, MIX, CLASSES = 576, 1024, 10

CONFIGS = {"smallest": (3, 3, 2), "median": (5, 4, 3), "largest": (7, 6, 4)}
BATCHES = [(1, 20, 101), (256, 3, 7)]  # (batch, warm-up passes, timed passes), as InferenceBench


def make_divisible(v, divisor=8):
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new < 0.9 * v:
        new += divisor
    return new


def conv_bn(cin, cout, k, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]


class SqueezeExcitation(nn.Module):
    def __init__(self, channels):
        super().__init__()
        reduced = make_divisible(channels // 4)
        self.reduce = nn.Linear(channels, reduced)
        self.expand = nn.Linear(reduced, channels)

    def forward(self, x):
        s = x.mean((2, 3))
        s = nn.functional.hardsigmoid(self.expand(nn.functional.relu(self.reduce(s))))
        return x * s[:, :, None, None]


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, e, stride, hswish, se):
        super().__init__()
        act = nn.Hardswish if hswish else nn.ReLU
        layers = []
        mid = cin
        if e != 1:
            mid = make_divisible(cin * e)
            layers += conv_bn(cin, mid, 1) + [act()]
        layers += conv_bn(mid, mid, k, stride, groups=mid) + [act()]
        if se:
            layers.append(SqueezeExcitation(mid))
        layers += conv_bn(mid, cout, 1)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def network(k, e, d):
    layers = conv_bn(1, STEM, 3) + [nn.Hardswish(), MBConv(STEM, STEM, 3, 1, 1, False, False)]
    cin = STEM
    for s, cout in enumerate(WIDTHS):
        for j in range(d):
            layers.append(MBConv(cin, cout, k, e, STRIDES[s] if j == 0 else 1, HSWISH[s], SE[s]))
            cin = cout
    layers += conv_bn(cin, FINAL, 1) + [nn.Hardswish(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                         nn.Linear(FINAL, MIX, bias=False), nn.Hardswish(), nn.Linear(MIX, CLASSES)]
    return nn.Sequential(*layers).eval()


def time_case(model, x, warmup, repeats, context):
    with context():
        for _ in range(warmup):
            model(x)
        wall, cpu = [], []
        for _ in range(repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            model(x)
            wall.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name, (k, e, d) in CONFIGS.items():
        model = network(k, e, d)
        params = sum(p.numel() for p in model.parameters())
        for batch, warmup, repeats in BATCHES:
            x = torch.randn(batch, 1, 28, 28)
            results, cpu = {}, {}
            for layout in ("contiguous", "channels_last"):
                fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
                m, xi = model.to(memory_format=fmt), x.contiguous(memory_format=fmt)
                for mode, context in (("no_grad", torch.no_grad), ("inference_mode", torch.inference_mode)):
                    results[f"{mode}+{layout}"], cpu[f"{mode}+{layout}"] = time_case(m, xi, warmup, repeats, context)
            best = min(results, key=results.get)
            print(json.dumps({"case": name, "batch": batch, "threads": args.threads, "ms": results[best], "cpu_ms": cpu[best],
                              "variant": best, "params": params, "variants": results}), flush=True)


if __name__ == "__main__":
    main()
