"""SimQ-NAS on SwiftNAS's own super-network (issue 18): search the architecture and the precision of every block
together, then compare the front with the uniform ones.

  run     `swiftnas search --supernet fashion_mbv3_quant` for accuracy_top1 × model_size × latency (resumes a stopped
          search from its store), then measures every architecture on the joint front twice more, all fp32 and all
          int8 (`swiftnas evaluate`; finished measurements are kept and skipped on a rerun).
  report  the three fronts, SimQ-NAS's factors against the all-int8 baseline at no accuracy loss, and an SVG plot.

Only the Python standard library is needed; everything measured runs in the `swiftnas` binary.
"""
import argparse
import csv
import json
import os
import subprocess
import sys

OBJECTIVES = [("accuracy_top1", max), ("model_size", min), ("latency", min)]
# The largest sub-network: SimQ-NAS's other baseline is the whole super-network quantized to int8.
LARGEST = {"ks": [7] * 20, "e": [6] * 20, "d": [4] * 5, "q": ["fp32"] * 20, "q_head": ["fp32"]}


def read_rows(path):
    """Successful rows of a swiftnas results CSV or of `swiftnas evaluate` output (JSON lines)."""
    rows = []
    if path.endswith(".csv"):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if row.get("status", "ok") == "ok":
                    rows.append({"config": json.loads(row["config"]), **{m: float(row[m]) for m, _ in OBJECTIVES}})
    else:
        with open(path) as f:
            for line in f:
                item = json.loads(line)
                if "metrics" in item:
                    rows.append({"config": item["config"], **{m: float(item["metrics"][m]) for m, _ in OBJECTIVES}})
    return rows


def dominates(a, b):
    """a is at least as good as b everywhere and better somewhere (accuracy up, size and latency down)."""
    better = (a["accuracy_top1"] >= b["accuracy_top1"], a["model_size"] <= b["model_size"], a["latency"] <= b["latency"])
    strictly = (a["accuracy_top1"] > b["accuracy_top1"], a["model_size"] < b["model_size"], a["latency"] < b["latency"])
    return all(better) and any(strictly)


def front(rows):
    return [r for r in rows if not any(dominates(o, r) for o in rows)]


def uniform(config, precision):
    return {**config, "q": [precision] * len(config["q"]), "q_head": [precision]}


def architecture(config):
    return json.dumps({k: config[k] for k in ("ks", "e", "d")}, sort_keys=True)


def run(args):
    os.makedirs(args.work, exist_ok=True)
    results = os.path.join(args.work, "search.csv")
    store = os.path.join(args.work, "search.db")
    command = [args.swiftnas, "search", "--supernet", "fashion_mbv3_quant", "--evaluator", args.evaluator,
               "--optimization-metrics", "accuracy_top1:max", "model_size:min", "latency:min",
               "--num-evals", str(args.evals), "--seed", str(args.seed), "--results-path", results, "--store", store]
    if args.seed_largest:
        # SimQ-NAS's baselines measured first: the largest sub-network all int8 and all fp32.
        initial = os.path.join(args.work, "initial.jsonl")
        with open(initial, "w") as f:
            for precision in ("int8", "fp32"):
                f.write(json.dumps(uniform(LARGEST, precision)) + "\n")
        command += ["--initial-configs", initial]
    if os.path.exists(store):
        command.append("--resume")
    print("quant-search:", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, check=True, stdout=sys.stderr)
    joint = front(read_rows(results))
    architectures = {architecture(r["config"]): r["config"] for r in joint}
    architectures[architecture(LARGEST)] = LARGEST
    for precision in ("fp32", "int8"):
        path = os.path.join(args.work, f"uniform-{precision}.jsonl")
        done = {architecture(r["config"]) for r in read_rows(path)} if os.path.exists(path) else set()
        todo = [uniform(c, precision) for a, c in sorted(architectures.items()) if a not in done]
        if not todo:
            continue
        pending = os.path.join(args.work, f"pending-{precision}.jsonl")
        with open(pending, "w") as f:
            f.writelines(json.dumps(c) + "\n" for c in todo)
        print(f"quant-search: {len(todo)} architectures of the joint front in uniform {precision}", file=sys.stderr, flush=True)
        with open(path, "a") as out:
            subprocess.run([args.swiftnas, "evaluate", "--supernet", "fashion_mbv3_quant", "--evaluator", args.evaluator,
                            "--configs", pending, "--metrics", ",".join(m for m, _ in OBJECTIVES)], check=True, stdout=out)


def factors(joint, baseline, tolerance=0.0):
    """SimQ-NAS's comparison: for each all-int8 baseline point, the joint-front point at least as accurate (less at
    most `tolerance` points) with the lowest latency (and, separately, the smallest model); the best ratios
    baseline / joint over the baseline."""
    best = {}
    for metric in ("latency", "model_size"):
        ratio, pair = 0.0, None
        for b in baseline:
            candidates = [j for j in joint if j["accuracy_top1"] >= b["accuracy_top1"] - tolerance - 1e-9]
            if candidates:
                j = min(candidates, key=lambda r: r[metric])
                if b[metric] / j[metric] > ratio:
                    ratio, pair = b[metric] / j[metric], (b, j)
        best[metric] = (ratio, pair)
    return best


def svg(series, path, x_metric, x_label):
    """A scatter of accuracy against `x_metric` for each (name, colour, rows) series."""
    width, height, pad = 640, 400, 60
    points = [r for _, _, rows in series for r in rows]
    xs = [r[x_metric] for r in points]
    ys = [r["accuracy_top1"] for r in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = lambda v: pad + (v - x0) / ((x1 - x0) or 1) * (width - 2 * pad)
    sy = lambda v: height - pad - (v - y0) / ((y1 - y0) or 1) * (height - 2 * pad)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="black"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>',
             f'<text x="{width / 2}" y="{height - 20}" text-anchor="middle">{x_label}</text>',
             f'<text x="15" y="{height / 2}" transform="rotate(-90 15 {height / 2})" text-anchor="middle">accuracy_top1 (%)</text>',
             f'<text x="{pad}" y="{height - pad + 15}" text-anchor="middle">{x0:.3g}</text>',
             f'<text x="{width - pad}" y="{height - pad + 15}" text-anchor="middle">{x1:.3g}</text>',
             f'<text x="{pad - 5}" y="{height - pad}" text-anchor="end">{y0:.2f}</text>',
             f'<text x="{pad - 5}" y="{pad + 4}" text-anchor="end">{y1:.2f}</text>']
    for i, (name, colour, rows) in enumerate(series):
        for r in rows:
            parts.append(f'<circle cx="{sx(r[x_metric]):.1f}" cy="{sy(r["accuracy_top1"]):.1f}" r="4" fill="{colour}" fill-opacity="0.7"/>')
        parts.append(f'<circle cx="{width - pad - 120}" cy="{pad + 16 * i}" r="4" fill="{colour}"/>'
                     f'<text x="{width - pad - 110}" y="{pad + 16 * i + 4}">{name}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def report(args):
    searched = read_rows(os.path.join(args.work, "search.csv"))
    joint = front(searched)
    fp32 = read_rows(os.path.join(args.work, "uniform-fp32.jsonl"))
    int8 = read_rows(os.path.join(args.work, "uniform-int8.jsonl"))
    print(f"{len(searched)} evaluations; joint front {len(joint)} points; uniform fp32 front {len(front(fp32))} "
          f"of {len(fp32)}; uniform int8 front {len(front(int8))} of {len(int8)}")
    print(f"{'front':<12} {'points':>6} {'best acc':>9} {'smallest MB':>12} {'fastest ms':>11}")
    for name, rows in (("joint", joint), ("uniform fp32", front(fp32)), ("uniform int8", front(int8))):
        print(f"{name:<12} {len(rows):>6} {max(r['accuracy_top1'] for r in rows):>9.2f} "
              f"{min(r['model_size'] for r in rows) / 1e6:>12.3f} {min(r['latency'] for r in rows):>11.3f}")
    largest = [r for r in int8 if architecture(r["config"]) == architecture(LARGEST)]
    for baseline_name, baseline in (("the all-int8 front (same architectures)", front(int8)), ("the all-int8 largest sub-network", largest)):
        for tolerance in (0.0, 0.1, 0.25):
            for metric, (ratio, pair) in factors(joint, baseline, tolerance).items():
                loss = "no accuracy loss" if tolerance == 0 else f"at most {tolerance} points lost"
                if not pair:
                    print(f"{metric} against {baseline_name}, {loss}: no joint point is that accurate")
                    continue
                b, j = pair
                print(f"{metric} against {baseline_name}, {loss}: factor {ratio:.2f} (int8 "
                      f"{b['accuracy_top1']:.2f} % {b[metric]:.4g} → joint {j['accuracy_top1']:.2f} % {j[metric]:.4g}; joint q = "
                      f"{''.join('8' if q == 'int8' else 'f' for q in j['config']['q'])} head {j['config']['q_head'][0]})")
    series = [("joint search", "#d62728", joint), ("uniform fp32", "#1f77b4", front(fp32)), ("uniform int8", "#2ca02c", front(int8))]
    if args.svg:
        stem = args.svg[:-4] if args.svg.endswith(".svg") else args.svg
        svg(series, stem + "-latency.svg", "latency", "latency (ms, batch 1)")
        svg(series, stem + "-size.svg", "model_size", "model_size (bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--swiftnas", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--evals", type=int, default=250)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--evaluator", default="builtin:fashion_mbv3")
    r.add_argument("--seed-largest", action="store_true",
                   help="start the search from the largest sub-network, all int8 and all fp32 (--initial-configs)")
    p = sub.add_parser("report")
    p.add_argument("--work", required=True)
    p.add_argument("--svg", help="write <stem>-latency.svg and <stem>-size.svg")
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
