"""SwiftNAS evaluator (protocol v1) answering from the OFA-MobileNetV3 surrogate (benchmarks/ofa_surrogate.py).

    OFA_SURROGATE=/tmp/ofa_surrogate.json swiftnas search --evaluator "python3 benchmarks/ofa_surrogate_evaluator.py" ...

Metrics: accuracy_top1 (%), macs (count). The model path comes from $OFA_SURROGATE or the first argument.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python"))

from ofa_surrogate import Surrogate  # noqa: E402
from swiftnas_evaluator import serve  # noqa: E402


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ["OFA_SURROGATE"]
    surrogate = Surrogate(path)

    def evaluate(config, metrics):
        accuracy, macs = surrogate.evaluate(config)
        values = {"accuracy_top1": accuracy, "macs": macs}
        unknown = [m for m in metrics if m not in values]
        if unknown:
            raise KeyError("the OFA surrogate measures accuracy_top1 and macs, not %s" % ", ".join(unknown))
        return {m: values[m] for m in metrics}

    serve(evaluate)


if __name__ == "__main__":
    main()
