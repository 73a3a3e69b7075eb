"""Small helpers shared by the notebooks: run the `coldstream` command and read its output files.

Nothing here computes what Coldstream computes; it only starts the command, waits for it and
loads the JSON it writes (results.json, metrics.jsonl, snapshot manifests) into pandas.
"""
import json
import os
import subprocess
import time
from pathlib import Path

import pandas as pd

ROOT = Path(os.environ.get("COLDSTREAM_HOME", Path(__file__).resolve().parent.parent))
COLDSTREAM = ROOT / "bin" / "coldstream"
# Where the runs go: a folder of their own per notebook run (notebooks/run sets it to a temporary one).
WORK = Path(os.environ.get("COLDSTREAM_NOTEBOOK_WORK", ROOT / "notebooks" / ".work"))


def fresh(name):
    """An empty output folder for one run, under WORK."""
    out = WORK / name
    if out.exists():
        subprocess.run(["rm", "-rf", str(out)], check=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def coldstream(*args, quiet=False):
    """Runs `bin/coldstream ARGS`, prints what it printed on stdout, fails on a non-zero exit."""
    started = time.time()
    proc = subprocess.run([str(COLDSTREAM), *map(str, args)], capture_output=True, text=True)
    text = (proc.stdout + proc.stderr).strip().splitlines()
    if proc.returncode != 0:
        raise RuntimeError(f"coldstream {' '.join(map(str, args))} exited {proc.returncode}:\n" + "\n".join(text[-20:]))
    if not quiet:
        print(proc.stdout.strip())
        print(f"({time.time() - started:.0f} s)")


def results(out):
    return json.loads((Path(out) / "results.json").read_text())


def metrics(out):
    """metrics.jsonl as a DataFrame, one row per line, with the replay figures flattened."""
    rows = [json.loads(l) for l in (Path(out) / "metrics.jsonl").read_text().splitlines() if l.strip()]
    df = pd.json_normalize(rows)
    return df


def snapshots(out):
    """The snapshot store's manifests, oldest first, with which one LATEST names."""
    store = Path(out) / "snapshots"
    latest = (store / "LATEST").read_text().strip()
    rows = []
    for folder in sorted(p for p in store.iterdir() if p.is_dir() and p.name.startswith("v")):
        m = json.loads((folder / "manifest.json").read_text())
        rows.append({"version": m["version"], "examplesSeen": m["examplesSeen"],
                     "holdoutAccuracy": m["holdoutAccuracy"], "engine": m.get("engine"),
                     "network": m["network"], "sha256": m["sha256"][:16] + "...",
                     "latest": m["version"] == latest})
    return pd.DataFrame(rows)
