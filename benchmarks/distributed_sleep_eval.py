"""Evaluator protocol v1 for the distributed throughput benchmark: every evaluation sleeps one second (a stand-in for
a GPU evaluation), appends the configuration to a log (argv[1]) so repeats can be counted, and answers two metrics
computed from the OFA-MobileNetV3 genes."""
import json
import sys
import time

log = open(sys.argv[1], "a")
for line in sys.stdin:
    request = json.loads(line)
    config = request["config"]
    time.sleep(1.0)
    accuracy = 70 + sum(config["ks"]) * 0.05 + sum(config["e"]) * 0.07 + sum(config["d"]) * 0.1
    macs = sum(k * k * e for k, e in zip(config["ks"], config["e"])) * 1e5 + sum(config["d"]) * 3e6
    log.write(json.dumps(config, sort_keys=True) + "\n")
    log.flush()
    print(json.dumps({"id": request["id"], "metrics": {"accuracy_top1": accuracy, "macs": macs}}), flush=True)
