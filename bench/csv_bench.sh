#!/usr/bin/env bash
# bench-rows: CSV tables (issue 13): read_data on 100k rows vs pandas read_csv+to_dict (time, peak RSS, cached server read); 1M rows by POST /api/read_data vs lynguine's Python server
#
# Files: bench/gen_csv.py writes a 100,000-row CSV (about 8.8 MB: ints,
# floats with gaps, text, booleans, dates as text, quoted notes) and a
# 1,000,000-row one (about 90 MB). Rows (bench/rows.py's contract):
#   in-process   read_data + the JSON answer (csv_read_bench, Google
#                Benchmark): held whole (as Api::handle) and in 64 KiB pieces
#                (as Api::handle_streaming); CPU time, best of the rounds,
#                against pandas' CPU time in its own process (import
#                excluded), interleaved round by round. Default allocators on
#                both sides; one more row with the same tuned allocator on both.
#   cache hit    a server's repeated read_data of one file (frame from the
#                parsed-file cache, answer written whole) against the same
#                pandas work (pandas has no cache: it reads every time).
#   process      `lynguine read` as a whole process (start, read, JSON out).
#   peak RSS     `lynguine read` (direct mode: the answer printed as it is
#                produced) and the streamed path (csv_read_bench --stream)
#                against pandas' peak RSS; target <= 3x the file.
#   1M over HTTP POST /api/read_data received by curl from our server (the
#                answer sent chunked as it is produced) and from lynguine's
#                Python server (oracle kit), one request each on a fresh
#                server; wall time, and each server's peak RSS (VmHWM)
#                against the 3x-file limit.
# Every row carries the machine's load average (1 min) when it was measured.
# CPU times are the comparison where both run in-process (2 cores shared by
# several engineers make wall times noisy); wall times ride along as extra keys.
# Environment: BUILD (default build), LYNGUINE_ORACLE, BENCH_ROWS,
# BENCH_QUICK=1 (one round), ROUNDS (default 3), CSV_BENCH_1M=0 skips 1M rows.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
[[ "$build" = /* ]] || build=$here/$build
lyn=${LYNGUINE_BIN:-$build/bin/lynguine}
bench=$build/bin/csv_read_bench
py=/usr/bin/python3
for b in "$lyn" "$bench"; do
  [[ -x "$b" ]] || { echo "csv_bench: build $b first (make build)" >&2; exit 1; }
done
"$py" -c 'import pandas' 2>/dev/null || { echo "csv_bench: pandas not importable from $py" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/lyn-csv-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$py" "$here/bench/gen_csv.py" "$work/c100k.csv" 100000
if [[ "${CSV_BENCH_1M:-1}" != 0 ]]; then
  "$py" "$here/bench/gen_csv.py" "$work/c1m.csv" 1000000
fi
rounds=${ROUNDS:-3}
[[ "${BENCH_QUICK:-}" == 1 ]] && rounds=1

ROUNDS=$rounds BENCH=$bench LYN=$lyn WORK=$work HERE=$here "$py" - <<'PY'
import json, os, subprocess, sys, time

here, work = os.environ["HERE"], os.environ["WORK"]
bench, lyn, rounds = os.environ["BENCH"], os.environ["LYN"], int(os.environ["ROUNDS"])
sys.path.insert(0, os.path.join(here, "bench"))
import benchlib  # noqa: E402
import rows  # noqa: E402

_emit = rows.emit
rows.emit = lambda **kw: _emit(load=round(os.getloadavg()[0], 1), **kw)

small, big = f"{work}/c100k.csv", f"{work}/c1m.csv"
mb = lambda n: n / 1e6
small_mb = mb(os.path.getsize(small))
TUNED = "glibc.malloc.mmap_threshold=134217728:glibc.malloc.trim_threshold=134217728"
DEFAULT = "both: glibc default"

PANDAS = r"""
import json, resource, sys, time
import pandas as pd
path, reps = sys.argv[1], int(sys.argv[2])
cpu = wall = 1e9
for _ in range(reps):
    t, c = time.perf_counter(), time.process_time()
    records = pd.read_csv(path).to_dict("records")
    cpu, wall = min(cpu, time.process_time() - c), min(wall, time.perf_counter() - t)
    del records
print(json.dumps({"cpu_ms": cpu * 1e3, "wall_ms": wall * 1e3,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "version": pd.__version__}))
"""


def env_with(tuned):
    e = dict(os.environ)
    e.pop("GLIBC_TUNABLES", None)
    if tuned:
        e["GLIBC_TUNABLES"] = TUNED
    return e


def pandas(path, reps, tuned=False):
    out = subprocess.run([benchlib.PYTHON, "-c", PANDAS, path, str(reps)], env=env_with(tuned),
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def ours_inprocess(names, tuned=False):
    out = subprocess.run([bench, "--benchmark_filter=" + "|".join(names),
                          "--benchmark_format=json"],
                         env=dict(env_with(tuned), LYN_BENCH_CSV=small),
                         check=True, capture_output=True, text=True).stdout
    return {b["name"].split("/")[0]: {"cpu_ms": b["cpu_time"], "wall_ms": b["real_time"]}
            for b in json.loads(out)["benchmarks"]}


def timed(cmd, env=None):
    """Runs cmd with stdout to /dev/null; wall ms, cpu ms (user+sys), peak RSS KiB."""
    tf = f"{work}/time.txt"
    subprocess.run(["/usr/bin/time", "-o", tf, "-f", "%e %U %S %M"] + cmd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    e, u, s, m = open(tf).read().split()[-4:]
    return {"wall_ms": float(e) * 1e3, "cpu_ms": (float(u) + float(s)) * 1e3, "rss_kb": int(m)}


def read_cmd(path):
    src = json.dumps({"type": "csv", "filename": os.path.basename(path)})
    return [lyn, "read", "--root", work, "--source", src]


best = {}


def keep(key, value, better=min):
    best[key] = value if key not in best else better(best[key], value)


NAMES = ["^BM_ReadDataAnswer/", "^BM_ReadDataStreamed/", "^BM_ServiceReadCached/"]
for _ in range(rounds):  # interleaved: each round runs every contender once
    for name, v in ours_inprocess(NAMES).items():
        keep(name + ".cpu", v["cpu_ms"]); keep(name + ".wall", v["wall_ms"])
    p = pandas(small, 3)
    keep("pandas.cpu", p["cpu_ms"]); keep("pandas.wall", p["wall_ms"])
    keep("pandas.rss", p["rss_kb"], max)
    t = timed(read_cmd(small), env=env_with(False))
    keep("read.cpu", t["cpu_ms"]); keep("read.wall", t["wall_ms"]); keep("read.rss", t["rss_kb"], max)
    s = timed([bench, "--stream", small], env=env_with(False))
    keep("stream.rss", s["rss_kb"], max)
    keep("tuned.cpu", ours_inprocess(["^BM_ReadDataAnswer/"], tuned=True)["BM_ReadDataAnswer"]["cpu_ms"])
    keep("pandas_tuned.cpu", pandas(small, 3, tuned=True)["cpu_ms"])

pbase = f"pandas {p['version']} read_csv+to_dict('records'), cpu"
extra = {"rounds": rounds, "file_mb": round(small_mb, 2)}
for name, what, cache in [
        ("BM_ReadDataAnswer", "read_data 100k rows in-process, answer held whole", "cold"),
        ("BM_ReadDataStreamed", "read_data 100k rows in-process, answer in 64 KiB pieces", "cold"),
        ("BM_ServiceReadCached", "read_data 100k rows, server's repeated request (Api::handle)",
         "hit")]:
    rows.emit(bench="csv", what=what, ours=round(best[name + ".cpu"], 1), unit="ms cpu",
              baseline=pbase, base=round(best["pandas.cpu"], 1), target=">=6x", alloc=DEFAULT,
              cache=cache, ours_wall_ms=round(best[name + ".wall"], 1),
              base_wall_ms=round(best["pandas.wall"], 1), **extra)
rows.emit(bench="csv", what="read_data 100k rows in-process, answer held whole, tuned allocator",
          ours=round(best["tuned.cpu"], 1), unit="ms cpu", baseline=pbase,
          base=round(best["pandas_tuned.cpu"], 1), target=">=6x",
          alloc="both: GLIBC_TUNABLES " + TUNED, cache="cold", **extra)
rows.emit(bench="csv", what="lynguine read 100k rows, whole process (start + read + JSON out)",
          ours=round(best["read.cpu"], 1), unit="ms cpu", baseline=pbase + " (import excluded)",
          base=round(best["pandas.cpu"], 1), target=">=6x", alloc=rows.ALLOC_OURS,
          cache="cold", ours_wall_ms=round(best["read.wall"], 1),
          base_wall_ms=round(best["pandas.wall"], 1), **extra)
limit = 3 * small_mb
for key, what, alloc in [
        ("read.rss", "lynguine read 100k rows peak RSS (printed as produced)", rows.ALLOC_OURS),
        ("stream.rss", "read_data 100k rows peak RSS, answer streamed (csv_read_bench --stream)",
         DEFAULT)]:
    rows.emit(bench="csv", what=what, ours=round(mb(best[key] * 1024), 1), unit="MB",
              baseline=f"pandas {p['version']} read_csv+to_dict peak RSS",
              base=round(mb(best["pandas.rss"] * 1024), 1), target=f"<={limit:.1f} MB (3x file)",
              alloc=alloc, cache="cold", limit_mb=round(limit, 1), **extra)

if not os.path.exists(big):
    sys.exit(0)
big_mb = mb(os.path.getsize(big))
big_limit = 3 * big_mb
for cmd, what, alloc in [
        (read_cmd(big), "lynguine read 1M rows peak RSS (printed as produced)", rows.ALLOC_OURS),
        ([bench, "--stream", big], "read_data 1M rows peak RSS, answer streamed", DEFAULT)]:
    t = timed(cmd, env=env_with(False))
    rows.emit(bench="csv", what=what, ours=round(mb(t["rss_kb"] * 1024), 1), unit="MB",
              baseline="3x the file (the limit)", base=round(big_limit, 1),
              target=f"<={big_limit:.0f} MB (3x file)", alloc=alloc, cache="cold",
              file_mb=round(big_mb, 1), ours_wall_ms=round(t["wall_ms"], 1))


def hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def curl_read(port):
    """One POST /api/read_data of the 1M-row file; (wall ms, HTTP status, bytes)."""
    body = json.dumps({"data_source": {"type": "csv", "filename": os.path.basename(big)}})
    t0 = time.perf_counter()
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                        "--max-time", "900", "-H", "Content-Type: application/json",
                        "--data-binary", body, f"http://127.0.0.1:{port}/api/read_data"],
                       check=True, capture_output=True, text=True)
    ms = (time.perf_counter() - t0) * 1e3
    code, size = r.stdout.split()
    return ms, int(code), int(size)


bw = benchlib.work_dir("lyn-csv-http-")
try:
    proc, port = benchlib.start_ours(work, bw)
    try:
        ours_ms, ours_code, ours_size = curl_read(port)
        ours_hwm = hwm_kb(proc.pid)
    finally:
        benchlib.stop(proc)
    py_ms = py_hwm = None
    if benchlib.oracle_ok():
        pproc, pport = benchlib.start_python_server(work, os.path.join(bw, "py-server.log"))
        try:
            py_ms, py_code, py_size = curl_read(pport)
            py_hwm = hwm_kb(pproc.pid)
            if py_code != 200:
                py_ms = None
        finally:
            benchlib.stop(pproc)
    ok = ours_code == 200
    rows.emit(bench="csv", what=f"POST /api/read_data 1M rows ({big_mb:.0f} MB) by curl, wall",
              ours=round(ours_ms, 1) if ok else None, unit="ms",
              baseline="lynguine's Python server (oracle), same request",
              base=None if py_ms is None else round(py_ms, 1), target=">=1x",
              alloc=rows.ALLOC_OURS, cache="miss", status=ours_code, answer_bytes=ours_size)
    rows.emit(bench="csv", what="POST /api/read_data 1M rows: server peak RSS (VmHWM)",
              ours=round(mb(ours_hwm * 1024), 1), unit="MB",
              baseline="lynguine's Python server peak RSS",
              base=None if py_hwm is None else round(mb(py_hwm * 1024), 1),
              target=f"<={big_limit:.0f} MB (3x file)", alloc=rows.ALLOC_OURS, cache="miss",
              file_mb=round(big_mb, 1))
finally:
    subprocess.run(["rm", "-rf", bw])
PY
