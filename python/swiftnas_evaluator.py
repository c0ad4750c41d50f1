"""SwiftNAS evaluator protocol v1 for Python: write one function, call serve().

    # my_eval.py
    from swiftnas_evaluator import serve

    def evaluate(config, metrics):
        # config: {"ks": [3, 5, ...], "e": [...], "d": [...]}  (lists, one value per gene)
        # metrics: the names SwiftNAS wants, e.g. ["accuracy_top1", "latency"]
        return {"accuracy_top1": 76.2, "latency": 12.5}

    if __name__ == "__main__":
        serve(evaluate)

Then: swiftnas search --supernet ofa_mbv3_d234_e346_k357_w1.0 --evaluator "python3 my_eval.py" ...

The protocol is JSON Lines on stdin/stdout: one request per line
{"id": "...", "config": {...}, "metrics": [...]}, one reply per line {"id": "...", "metrics": {...}} or
{"id": "...", "error": "..."}. Anything your code prints goes to stderr (the SwiftNAS log), never stdout —
Python's print() and native code writing to file descriptor 1 alike (PyTorch, CUDA, os.system) — so stray
output cannot corrupt replies; SwiftNAS also skips any stdout line that is not a reply. Standard library only.
"""

import json
import math
import os
import sys
import traceback

PROTOCOL_VERSION = 1


def _reply(stream, obj):
    stream.write(json.dumps(obj, allow_nan=False) + "\n")
    stream.flush()


def serve(evaluate, stdin=None, stdout=None):
    """Answers requests until stdin closes. `evaluate(config, metrics) -> dict` may raise; the exception
    becomes an error reply and the next request is served."""
    stdin = stdin or sys.stdin
    out = stdout
    if out is None:
        # Keep a private copy of the real stdout for protocol replies, then point file descriptor 1 and
        # sys.stdout at stderr: prints of user code, C extensions and child processes all land in the log.
        sys.stdout.flush()
        out = os.fdopen(os.dup(1), "w", encoding="utf-8")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    _reply(out, {"protocol": PROTOCOL_VERSION})
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request["id"]
            result = evaluate(request["config"], list(request.get("metrics", [])))
            if not isinstance(result, dict):
                raise TypeError("evaluate() must return a dict of metric -> number, got %r" % type(result))
            metrics = {}
            for name, value in result.items():
                value = float(value)
                if not math.isfinite(value):
                    raise ValueError("metric %r is %r" % (name, value))
                metrics[str(name)] = value
            _reply(out, {"id": request_id, "metrics": metrics})
        except Exception as error:  # noqa: BLE001 - every failure becomes an error reply
            traceback.print_exc(file=sys.stderr)
            _reply(out, {"id": request_id, "error": "%s: %s" % (type(error).__name__, error)})


if __name__ == "__main__":
    # A self-test evaluator: counts genes, so the protocol can be tried without a model.
    def _demo(config, metrics):
        total = sum(sum(v for v in values if isinstance(v, (int, float))) for values in config.values())
        return {name: float(total) for name in metrics}

    serve(_demo)
