#!/usr/bin/env python3
# bench-rows: /api/health p99 (p50 beside it) during and after each attack of issue 12 (tests/wire/hostile.py), against the same server with no attack in the same run; target <50 ms
"""Health under each attack of issue 12, one run.

For each attack in tests/wire/hostile.py (the table the wire test checks
for outcomes; here only time is measured): a thread sends GET /api/health
on fresh connections again and again; first with nothing else going on
(the baseline: the same server, just before the attack), then while the
attack runs (repeated until enough probes were sent during it), then after
it. One row per attack and phase: `ours` is the p99 of the probes sent in
that phase, `base` the baseline's p99; target < 50 ms (the issue's).

    bench/hostile_health.py          (BENCH_QUICK=1: fewer probes)
"""
import os
import shutil
import subprocess
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "wire"))
import benchlib as B  # noqa: E402
import hostile as H  # noqa: E402
import rows  # noqa: E402

BENCH = "hostile"
PROBES = 20 if B.QUICK else 100  # per phase, at least
MAX_SECONDS = 20 if B.QUICK else 60  # per attack phase, at most


def pct(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def emit(name, phase, ms, base_ms):
    p50, p99 = pct(ms)
    b50, b99 = pct(base_ms)
    rows.emit(bench=BENCH, what="GET /api/health p99 %s: %s" % (phase, name), ours=round(p99, 3),
              unit="ms", baseline="same server, no attack (p99)", base=round(b99, 3),
              better="lower", target="<50 ms", alloc=rows.ALLOC_OURS, cache="n/a",
              p50=round(p50, 3), base_p50=round(b50, 3), probes=len(ms))


def phase_ms(poller, phase):
    return [ms for p, status, ms in poller.samples if p == phase and status == 200]


def run(name, kind, attack, port, root, home, outside, env):
    poller = H.HealthPoller(port).start()
    try:
        poller.wait_for(PROBES, 600, "before")
        poller.phase = "during"
        ctx = H.Ctx(port, root, home, outside, B.BINARY, env, poller)
        ctx.hold = PROBES  # a holding attack holds until all the probes were sent
        end = time.monotonic() + MAX_SECONDS
        while poller.count("during") < PROBES and time.monotonic() < end:
            attack(ctx)  # again: the probes must overlap the attack, not follow it
            poller.phase = "during"
        poller.phase = "after"
        poller.wait_for(PROBES, 600, "after")
    finally:
        poller.stop()
    # Probes amid the attack's own burst of connections ("ramp") may be
    # evicted unanswered; they are neither failures nor timed.
    failed = [s for p, s, _ in poller.samples if s != 200 and (p, s) != ("ramp", 0)]
    if failed:
        raise RuntimeError("%s: /api/health answered %r" % (name, failed[:5]))
    base = phase_ms(poller, "before")
    emit(name, "during", phase_ms(poller, "during"), base)
    emit(name, "after", phase_ms(poller, "after"), base)


def main():
    H.raise_fd_limit()
    work = B.work_dir("lyn-bench-hostile-")
    root = os.path.join(work, "fixtures")
    home = os.path.join(work, "home")
    shutil.copytree(os.path.join(os.path.dirname(HERE), "tests", "conformance", "fixtures"), root)
    with open(os.path.join(work, "canary.csv"), "w") as f:
        f.write("secret\n%s\n" % H.CANARY)
    H.prepare(root, work)
    servers = {}
    try:
        for name, (kind, attack) in H.ATTACKS.items():
            if kind not in servers:
                env = B.lynguine_env(work)
                env[H.SECRET_VAR] = H.CANARY
                port = B.free_port()
                args = H.server_args(kind, home)
                proc = subprocess.Popen(
                    [B.BINARY, "serve", "--host", "127.0.0.1", "--port", str(port), "--root",
                     root, "--quiet", *args], cwd=root, env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                B.wait_ready("http://127.0.0.1:%d/api/health" % port, proc)
                servers[kind] = (proc, port, env)
            proc, port, env = servers[kind]
            run(name, kind, attack, port, root, home, work, env)
    finally:
        for proc, _, _ in servers.values():
            B.stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
