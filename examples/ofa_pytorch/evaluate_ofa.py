"""Evaluate Once-for-All MobileNetV3 sub-networks in PyTorch for SwiftNAS (evaluator protocol v1).

Measures, for each configuration SwiftNAS sends:
  accuracy_top1  top-1 on an ImageNet validation subset, after BN re-calibration on training images (as OFA)
  latency        median milliseconds of a forward pass at --batch-size on this machine
  macs, params   counted by SwiftNAS itself with builtin:counts; this script adds them only if asked

Setup (needs network access once, for the weights, and an ImageNet copy):
    python3 -m venv ofa-venv && . ofa-venv/bin/activate
    pip install torch torchvision ofa
    swift run swiftnas search --supernet ofa_mbv3_d234_e346_k357_w1.0 \
        --evaluator "ofa-venv/bin/python examples/ofa_pytorch/evaluate_ofa.py --imagenet /data/imagenet --val-images 10000" \
        --optimization-metrics accuracy_top1 latency --search-tactic linas --num-evals 250 --workers 1
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from swiftnas_evaluator import serve  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--imagenet", required=True, help="ImageNet root with train/ and val/ folders")
    parser.add_argument("--supernet", default="ofa_mbv3_d234_e346_k357_w1.0")
    parser.add_argument("--val-images", type=int, default=10000)
    parser.add_argument("--calibration-images", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--latency-batch-size", type=int, default=1)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--device", default="cuda" if _cuda() else "cpu")
    args = parser.parse_args()

    import torch
    import torchvision.datasets as datasets
    import torchvision.transforms as transforms
    from ofa.model_zoo import ofa_net
    from ofa.imagenet_classification.elastic_nn.utils import set_running_statistics

    torch.set_num_threads(args.threads)
    supernet = ofa_net(args.supernet, pretrained=True).eval()
    transform = transforms.Compose([
        transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    generator = torch.Generator().manual_seed(0)
    val = datasets.ImageFolder(os.path.join(args.imagenet, "val"), transform)
    val = torch.utils.data.Subset(val, torch.randperm(len(val), generator=generator)[: args.val_images].tolist())
    train = datasets.ImageFolder(os.path.join(args.imagenet, "train"), transform)
    calibration = torch.utils.data.Subset(train, torch.randperm(len(train), generator=generator)[: args.calibration_images].tolist())
    val_loader = torch.utils.data.DataLoader(val, batch_size=args.batch_size, num_workers=4)
    calibration_loader = torch.utils.data.DataLoader(calibration, batch_size=args.batch_size, num_workers=4)

    def evaluate(config, metrics):
        supernet.set_active_subnet(ks=config["ks"], e=config["e"], d=config["d"])
        subnet = supernet.get_active_subnet(preserve_weight=True).to(args.device)
        results = {}
        if "accuracy_top1" in metrics:
            set_running_statistics(subnet, calibration_loader)  # BN statistics of this sub-network, as OFA does
            subnet.eval()
            correct = total = 0
            with torch.no_grad():
                for images, labels in val_loader:
                    predictions = subnet(images.to(args.device)).argmax(dim=1)
                    correct += (predictions.cpu() == labels).sum().item()
                    total += labels.numel()
            results["accuracy_top1"] = 100.0 * correct / total
        if "latency" in metrics:
            subnet.eval()
            x = torch.randn(args.latency_batch_size, 3, 224, 224, device=args.device)
            times = []
            with torch.no_grad():
                for i in range(60):
                    if args.device == "cuda":
                        torch.cuda.synchronize()
                    start = time.perf_counter()
                    subnet(x)
                    if args.device == "cuda":
                        torch.cuda.synchronize()
                    if i >= 10:  # warm-up
                        times.append((time.perf_counter() - start) * 1000)
            results["latency"] = statistics.median(times)
        if "params" in metrics:
            results["params"] = float(sum(p.numel() for p in subnet.parameters()))
        return results

    serve(evaluate)


def _cuda():
    try:
        import torch
        return torch.cuda.is_available()
    except ImportError:
        return False


if __name__ == "__main__":
    main()
