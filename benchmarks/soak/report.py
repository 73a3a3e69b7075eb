#!/usr/bin/env python3
"""The soak benchmark's report: joins rss.csv (resident memory sampled by benchmarks/soak/run) with
train/metrics.jsonl (JVM heap and ND4J/JavaCPP off-heap bytes per interval line) by time, and
writes soak.md (a table at round step counts, and the growth from step 1,000 to the last) and
soak.png (the three series against steps). Each interval line is joined with the newest sample
taken at or before it; the final evaluation after the last step is left out.

Usage: report.py OUT_DIR ENGINE
"""
import bisect
import csv
import json
import os
import sys
from datetime import datetime


def main():
    out, engine = sys.argv[1], sys.argv[2]
    samples = []
    with open(os.path.join(out, "rss.csv")) as f:
        for row in csv.DictReader(f):
            samples.append((int(row["epochMillis"]), int(row["rssBytes"])))
    if not samples:
        sys.exit("soak report: no resident-memory sample in %s/rss.csv" % out)
    times = [t for t, _ in samples]
    lines = []
    with open(os.path.join(out, "train", "metrics.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            # interval lines only: the "final" line comes after the final evaluation on the whole
            # test split, which is not training and has memory of its own
            if m.get("kind") != "interval" or m.get("time") is None:
                continue
            millis = int(datetime.fromisoformat(m["time"].replace("Z", "+00:00")).timestamp() * 1000)
            # the newest sample taken at or before the line: memory while those steps ran
            i = max(bisect.bisect_right(times, millis) - 1, 0)
            lines.append((m["examplesSeen"], samples[i][1], m["jvmHeapUsedBytes"], m["offHeapBytes"]))
    if len(lines) < 2:
        sys.exit("soak report: fewer than two metrics lines in %s/train/metrics.jsonl" % out)
    last = lines[-1][0]
    marks = sorted({1000, last} | {s for s in (2000, 5000, 10000, 20000, 30000, 40000, 50000) if s < last})
    def at(step):
        return min(lines, key=lambda l: abs(l[0] - step))
    mib = lambda b: "%.1f" % (b / 2**20) if b is not None and b >= 0 else "n/a"
    base, end = at(1000), at(last)
    growth = lambda k: (end[k] - base[k]) * 100.0 / base[k] if base[k] and base[k] > 0 else float("nan")
    with open(os.path.join(out, "soak.md"), "w") as f:
        f.write("# Soak, %s engine, %d steps\n\n" % (engine, last))
        f.write("| step | resident MiB | JVM heap used MiB | ND4J/JavaCPP off-heap MiB |\n|---:|---:|---:|---:|\n")
        for s in marks:
            l = at(s)
            f.write("| %d | %s | %s | %s |\n" % (l[0], mib(l[1]), mib(l[2]), mib(l[3])))
        pct = lambda g: "n/a" if g != g else "%+.1f%%" % g
        f.write("\nFrom step %d to step %d: resident %s (target: within 10%%), heap %s, off-heap %s.\n"
                % (base[0], end[0], pct(growth(1)), pct(growth(2)), pct(growth(3))))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(8, 4.5))
        steps = [l[0] for l in lines]
        for k, label in ((1, "resident"), (2, "JVM heap used"), (3, "ND4J/JavaCPP off-heap")):
            ax.plot(steps, [l[k] / 2**20 for l in lines], label=label)
        ax.set_xlabel("step")
        ax.set_ylabel("MiB")
        ax.set_title("Soak: %s engine" % engine)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, "soak.png"), dpi=100)
    except ImportError:
        print("soak report: no matplotlib (apt-get install -y python3-matplotlib): soak.png not written")
    print(open(os.path.join(out, "soak.md")).read())


if __name__ == "__main__":
    main()
