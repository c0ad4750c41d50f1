"""A runnable SwiftNAS evaluator with no dependencies: try protocol v1 before wiring up a real model.

    swift run swiftnas search --supernet ofa_mbv3_d234_e346_k357_w1.0 \
        --evaluator "python3 examples/toy_evaluator.py" --optimization-metrics accuracy_top1 latency \
        --search-tactic linas --num-evals 150 --population 30 --workers 2

"accuracy_top1" is a made-up smooth function of the sub-network's capacity and "latency" a made-up cost, so the
search has a real trade-off to explore. Replace `evaluate` with your model's measurements.
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from swiftnas_evaluator import serve  # noqa: E402


def evaluate(config, metrics):
    depths = config["d"]
    active = [(k, e) for stage, depth in enumerate(depths)
              for block, (k, e) in enumerate(zip(config["ks"][4 * stage:4 * stage + 4], config["e"][4 * stage:4 * stage + 4]))
              if block < depth]
    capacity = sum(k * k * e for k, e in active)
    accuracy = 80.0 - 9.0 * math.exp(-capacity / 900.0) - 0.1 * (20 - len(active))
    latency = 2.0 + 0.004 * capacity + 0.35 * len(active)
    values = {"accuracy_top1": accuracy, "latency": latency}
    return {name: values[name] for name in metrics if name in values}


if __name__ == "__main__":
    serve(evaluate)
