"""Evaluate Once-for-All MobileNetV3 sub-networks in PyTorch for SwiftNAS (evaluator protocol v1).

Measures, for each configuration SwiftNAS sends ({"ks": [20], "e": [20], "d": [5]}):
  accuracy_top1  top-1 (%) on an ImageNet validation subset, after BN re-calibration on training images (as OFA)
  latency        median milliseconds of a forward pass at --latency-batch-size on this machine
  macs           OFA's own counting hooks (those of ofa.utils.count_net_flops: conv + linear multiply-adds, one
                 224x224 image), summed exactly; the convention of SwiftNAS's builtin:counts (fvcore), so the two agree
  params         OFA's ofa.utils.count_parameters (trainable parameters, BN gamma/beta included)

Real mode (needs the OFA weights, downloaded once on first use, and an ImageNet copy):
    python3 -m venv ofa-venv && ofa-venv/bin/pip install torch torchvision ofa gdown
    swift run -c release swiftnas search --supernet ofa_mbv3_d234_e346_k357_w1.0 \
        --evaluator "ofa-venv/bin/python examples/ofa_pytorch/evaluate_ofa.py --imagenet /data/imagenet --val-images 10000" \
        --optimization-metrics accuracy_top1 latency --search-tactic linas --num-evals 250 --workers 1

Smoke mode (--smoke; no weights, no ImageNet, no network):
    builds the same super-network with pretrained=False (random weights) and feeds it a few synthetic 224x224
    images with random labels in place of ImageNet; everything else (config -> set_active_subnet,
    get_active_subnet, set_running_statistics, the accuracy loop, latency, OFA's MAC/param counters) is the real
    code path. ACCURACY IN SMOKE MODE IS MEANINGLESS (random weights on noise: about 0.1 %, chance level).
    It only proves that the protocol, the configuration conversion and the OFA API calls work.
"""
import argparse
import copy
import os
import statistics
import sys
import time
import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from swiftnas_evaluator import serve  # noqa: E402

STAGES = 5            # elastic stages of OFA-MobileNetV3
BLOCKS_PER_STAGE = 4  # max depth: ks and e carry one value per block slot, 20 in all


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--imagenet", help="ImageNet root with train/ and val/ folders (real mode)")
    parser.add_argument("--smoke", action="store_true",
                        help="random weights + synthetic images instead of OFA weights + ImageNet; accuracy is meaningless")
    parser.add_argument("--supernet", default="ofa_mbv3_d234_e346_k357_w1.0")
    parser.add_argument("--val-images", type=int, default=None, help="default 10000 (smoke: 32)")
    parser.add_argument("--calibration-images", type=int, default=None, help="default 2000 (smoke: 32)")
    parser.add_argument("--batch-size", type=int, default=None, help="default 128 (smoke: 16)")
    parser.add_argument("--latency-batch-size", type=int, default=1)
    parser.add_argument("--latency-runs", type=int, default=None, help="timed runs after warm-up; default 50 (smoke: 5)")
    parser.add_argument("--threads", type=int, default=None, help="default: all cores (smoke: 1)")
    parser.add_argument("--workers", type=int, default=4, help="DataLoader workers (real mode)")
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    if not args.smoke and not args.imagenet:
        parser.error("--imagenet is required unless --smoke is given")

    def pick(value, real, smoke):
        return value if value is not None else (smoke if args.smoke else real)

    val_images = pick(args.val_images, 10000, 32)
    calibration_images = pick(args.calibration_images, 2000, 32)
    batch_size = pick(args.batch_size, 128, 16)
    latency_runs = pick(args.latency_runs, 50, 5)
    threads = pick(args.threads, os.cpu_count(), 1)

    import torch
    if args.smoke:
        _stub_unusable_modules()
    from ofa.model_zoo import ofa_net
    from ofa.imagenet_classification.elastic_nn.utils import set_running_statistics
    from ofa.utils import count_parameters
    from ofa.utils.flops_counter import profile

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch.set_num_threads(threads)
    generator = torch.Generator().manual_seed(0)
    if args.smoke:
        _log("SMOKE MODE: %s with random weights (pretrained=False), %d synthetic calibration and %d synthetic "
             "validation images with random labels; accuracy_top1 is meaningless" %
             (args.supernet, calibration_images, val_images))
        supernet = ofa_net(args.supernet, pretrained=False).eval()
        calibration = _synthetic_images(torch, calibration_images, generator)
        val = _synthetic_images(torch, val_images, generator)
        loader_workers = 0
    else:
        import torchvision.datasets as datasets
        import torchvision.transforms as transforms
        supernet = ofa_net(args.supernet, pretrained=True).eval()
        transform = transforms.Compose([
            transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
            transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
        ])
        val = datasets.ImageFolder(os.path.join(args.imagenet, "val"), transform)
        val = torch.utils.data.Subset(val, torch.randperm(len(val), generator=generator)[:val_images].tolist())
        train = datasets.ImageFolder(os.path.join(args.imagenet, "train"), transform)
        calibration = torch.utils.data.Subset(
            train, torch.randperm(len(train), generator=generator)[:calibration_images].tolist())
        loader_workers = args.workers
    val_loader = torch.utils.data.DataLoader(val, batch_size=batch_size, num_workers=loader_workers)
    calibration_loader = torch.utils.data.DataLoader(calibration, batch_size=batch_size, num_workers=loader_workers)

    def evaluate(config, metrics):
        ks, e, d = _ofa_arguments(config)
        supernet.set_active_subnet(ks=ks, e=e, d=d)
        subnet = supernet.get_active_subnet(preserve_weight=True).to(device)
        results = {}
        if "accuracy_top1" in metrics:
            set_running_statistics(subnet, calibration_loader)  # BN statistics of this sub-network, as OFA does
            subnet.eval()
            correct = total = 0
            with torch.no_grad():
                for images, labels in val_loader:
                    predictions = subnet(images.to(device)).argmax(dim=1)
                    correct += (predictions.cpu() == labels).sum().item()
                    total += labels.numel()
            results["accuracy_top1"] = 100.0 * correct / total
        if "latency" in metrics:
            subnet.eval()
            x = torch.randn(args.latency_batch_size, 3, 224, 224, device=device)
            warm_up = max(1, latency_runs // 5)
            times = []
            with torch.no_grad():
                for i in range(warm_up + latency_runs):
                    if device == "cuda":
                        torch.cuda.synchronize()
                    start = time.perf_counter()
                    subnet(x)
                    if device == "cuda":
                        torch.cuda.synchronize()
                    if i >= warm_up:
                        times.append((time.perf_counter() - start) * 1000)
            results["latency"] = statistics.median(times)
        if "macs" in metrics:
            results["macs"] = float(_macs(subnet, profile))
        if "params" in metrics:
            results["params"] = float(count_parameters(subnet))
        unknown = [name for name in metrics if name not in results]
        if unknown:
            raise KeyError("this evaluator measures accuracy_top1, latency, macs, params; not %s" % ", ".join(unknown))
        return results

    serve(evaluate)


def _ofa_arguments(config):
    """SwiftNAS's configuration of the built-in OFA-MobileNetV3 space -> set_active_subnet(ks=, e=, d=)."""
    missing = [key for key in ("ks", "e", "d") if key not in config]
    if missing:
        raise KeyError("configuration lacks %s (got keys %s)" % (", ".join(missing), sorted(config)))
    ks = [int(v) for v in config["ks"]]
    e = [int(v) for v in config["e"]]
    d = [int(v) for v in config["d"]]
    if len(ks) != STAGES * BLOCKS_PER_STAGE or len(e) != STAGES * BLOCKS_PER_STAGE or len(d) != STAGES:
        raise ValueError("expected 20 ks, 20 e and 5 d values, got %d, %d, %d" % (len(ks), len(e), len(d)))
    return ks, e, d


def _macs(subnet, profile):
    """OFA's MAC counter (the hooks behind ofa.utils.count_net_flops: conv `cin * output elements * k * k / groups`,
    linear `in * out`; BN, activations, pooling and biases not counted) on one 224x224 image, with the per-layer
    counts summed as integers. count_net_flops itself adds them up in float32 tensors, which rounds totals above
    2**24 (e.g. 566170688 instead of 566170656 for the largest sub-network); each layer's count is exact."""
    counted = copy.deepcopy(subnet)
    profile(counted, (1, 3, 224, 224))
    return sum(int(m.total_ops.item()) for m in counted.modules() if len(list(m.children())) == 0)


def _synthetic_images(torch, count, generator):
    """Smoke mode's stand-in for ImageNet: normalised-scale noise images and random labels."""
    images = torch.randn(count, 3, 224, 224, generator=generator)
    labels = torch.randint(0, 1000, (count,), generator=generator)
    return torch.utils.data.TensorDataset(images, labels)


def _stub_unusable_modules():
    """Smoke mode only. `import ofa.utils` imports torchvision (for OFA's ImageNet augmentation classes) and
    `ofa.model_zoo` imports gdown (for the weight download) at module level, though OFA declares neither as a
    dependency. Smoke mode uses neither code path, so where a module cannot be imported (not installed, or a
    torchvision wheel built against another torch, which fails with `operator torchvision::nms does not exist`)
    an inert stand-in takes its place; touching anything on it raises."""
    def unusable(name, reason):
        module = types.ModuleType(name)

        def missing(attribute):
            raise AttributeError("%s.%s is unavailable in smoke mode (%s)" % (name, attribute, reason))
        module.__getattr__ = missing
        return module

    try:
        import torchvision  # noqa: F401
        import torchvision.transforms  # noqa: F401
    except Exception as error:  # noqa: BLE001 - any import failure: ImportError, or RuntimeError from torchvision
        reason = "%s: %s" % (type(error).__name__, str(error).splitlines()[0] if str(error) else "")
        _log("smoke mode: torchvision unusable (%s); a stand-in is used for OFA's module-level imports" % reason)
        for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
            del sys.modules[name]
        torchvision = unusable("torchvision", reason)
        transforms = unusable("torchvision.transforms", reason)
        # Base classes OFA subclasses or references while its module is being defined.
        transforms.RandomResizedCrop = type("RandomResizedCrop", (object,), {})
        transforms.RandomCrop = type("RandomCrop", (object,), {})
        functional = unusable("torchvision.transforms.functional", reason)
        datasets = unusable("torchvision.datasets", reason)
        torchvision.transforms, torchvision.datasets, transforms.functional = transforms, datasets, functional
        sys.modules.update({"torchvision": torchvision, "torchvision.transforms": transforms,
                            "torchvision.transforms.functional": functional, "torchvision.datasets": datasets})
    try:
        import gdown  # noqa: F401
    except ImportError as error:
        _log("smoke mode: gdown not installed; a stand-in is used (pretrained=False never downloads)")
        sys.modules["gdown"] = unusable("gdown", str(error))


def _log(message):
    print("evaluate_ofa: " + message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
