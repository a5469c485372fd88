#!/usr/bin/env python3
"""Soak test: `lynguine serve` on a free loopback port in a copy of
examples/project, driven by bench/soak_client (C++, keep-alive sockets) with
a mix of good and bad requests; reports requests, errors, req/s and the
server's RSS (start/peak/end, growth over the second half).

    bench/soak.py [--requests 1000000] [--seconds 120] [--connections 64]
                  [--binary build/bin/lynguine] [--client build/bin/soak_client] [--json]

Builds the client with g++ when it is missing or older than its source.
Exit status: the client's (0 = every status as expected)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import built, free_port, rss_kb, stop  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPO, "bench", "soak_client.cc")


def build_client(path):
    return built(SOURCE, path, std="c++20")


def run(requests=1_000_000, seconds=120.0, connections=64, threads=4, binary=None,
        client=None, extra_env=None):
    """Runs one soak; returns the client's JSON report (dict) plus 'exit',
    'server_alive' and 'rss_before_kb' (the server's RSS once it answered its
    first request, before the soak: 0 means it could not be read)."""
    binary = binary or os.environ.get("LYNGUINE_BIN",
                                      os.path.join(REPO, "build", "bin", "lynguine"))
    client = build_client(client or os.path.join(REPO, "build", "bin", "soak_client"))
    base = tempfile.mkdtemp(prefix="lyn-soak-")
    root = os.path.join(base, "project")
    shutil.copytree(os.path.join(REPO, "examples", "project"), root)
    home = os.path.join(base, "home")
    os.mkdir(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LYNGUINE_")}
    env.update(HOME=home, LYNGUINE_STATE_DIR=os.path.join(home, "state"))
    env.update(extra_env or {})
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--root", root, "--quiet", "--auth", "none"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60  # generous: a loaded machine starts slowly
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/api/health" % port,
                                            timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("server did not start")
                time.sleep(0.05)
        rss_before = rss_kb(proc.pid)
        r = subprocess.run([client, "--port", str(port), "--pid", str(proc.pid),
                            "--requests", str(requests), "--seconds", str(seconds),
                            "--connections", str(connections), "--threads", str(threads),
                            "--csv", "data/people.csv", "--markdown", "talk.md",
                            "--config", "_lamd.yml", "--json"],
                           capture_output=True, text=True, timeout=seconds + 120)
        report = json.loads(r.stdout) if r.stdout.strip() else {"stderr": r.stderr}
        report["exit"] = r.returncode
        report["server_alive"] = proc.poll() is None
        report["rss_before_kb"] = rss_before
        return report
    finally:
        stop(proc)
        shutil.rmtree(base, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--binary")
    ap.add_argument("--client")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rep = run(a.requests, a.seconds, a.connections, a.threads, a.binary, a.client)
    if a.json:
        print(json.dumps(rep, indent=1))
    else:
        print("soak: %d requests in %.1f s (%.0f req/s), %d errors, %d connection errors"
              % (rep.get("completed", 0), rep.get("seconds", 0), rep.get("rps", 0),
                 rep.get("errors", -1), rep.get("connection_errors", -1)))
        for k, v in rep.get("kinds", {}).items():
            print("  %-14s sent %9d  ok %9d  bad %d" % (k, v["sent"], v["ok"], v["bad"]))
        print("server RSS: start %s KiB, peak %s KiB, end %s KiB; second-half slope %.1f KiB/s"
              " (%s); server alive at end: %s"
              % (rep.get("rss_start_kb"), rep.get("rss_peak_kb"), rep.get("rss_end_kb"),
                 rep.get("rss_slope_second_half_kb_per_s", 0),
                 "STILL GROWING" if rep.get("rss_growing") else "not growing",
                 rep.get("server_alive")))
        for m in rep.get("mismatches", []):
            print("  mismatch:", m)
    sys.exit(rep["exit"] if rep.get("server_alive") else 1)


if __name__ == "__main__":
    main()
