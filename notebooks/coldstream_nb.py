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


def start(*args):
    """Starts `bin/coldstream ARGS` in the background (for `serve`, or a trainer served while it trains)."""
    return subprocess.Popen([str(COLDSTREAM), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, path, body=None, timeout=10):
    """GET (or POST JSON) on loopback; returns (status, parsed JSON or text)."""
    import urllib.error
    import urllib.request
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            status = r.status
    except urllib.error.HTTPError as e:
        text, status = e.read().decode(), e.code
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def wait_ready(port, proc, seconds=120):
    """Waits for `serve`'s /health to answer 200 (a model is loaded)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("coldstream serve exited:\n" + proc.stdout.read())
        try:
            if http(port, "/health", timeout=1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"coldstream serve on port {port} was not ready within {seconds} s")


def test_images(n, data="/usr/share/datasets/fashion-mnist"):
    """The first n images and labels of the IDX test split, to send to `serve` (pixels 0-255, row-major)."""
    import gzip
    import numpy as np
    with gzip.open(Path(data) / "t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:n]
    with gzip.open(Path(data) / "t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:n]
    return images, labels
