#!/usr/bin/env bash
# Issue 4's targets, measured in one run against one server on loopback:
#   - `lynguine field date talk.md --server`, whole process, median < 2 ms
#   - the same request by curl (a process per call): we must be >= 5x faster
#   - wrk on POST /api/talk/field: >= 40,000 req/s on 2 cores, p99 < 5 ms
#   - server start-to-ready (serve --daemon returns when it listens) < 20 ms
#   - idle resident memory < 15 MB
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${LYNGUINE_BIN:-$here/build/bin/lynguine}
py=/usr/bin/python3
work=$(mktemp -d)
export LYNGUINE_STATE_DIR="$work/state"
cleanup() { "$bin" serve --stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
cp -r "$here/examples/project/." "$work/"
cd "$work"
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# Start-to-ready: `serve --daemon` returns only once the server listens.
$py - "$bin" "$port" <<'PY'
import statistics, subprocess, sys, time
bin, port = sys.argv[1], sys.argv[2]
times = []
for _ in range(15):
    t0 = time.perf_counter()
    subprocess.run([bin, "serve", "--daemon", "--port", port], check=True)
    times.append((time.perf_counter() - t0) * 1e3)
    subprocess.run([bin, "serve", "--stop"], check=True, stdout=subprocess.DEVNULL)
m = statistics.median(times)
print(f"start-to-ready (serve --daemon)  : median {m:.1f} ms  target < 20 ms: {'met' if m < 20 else 'NOT met'}")
PY

"$bin" serve --daemon --port "$port" --root "$work"
pid=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$LYNGUINE_STATE_DIR/server.json")
sleep 0.2
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "idle resident memory             : $((rss_kb / 1024)).$(( (rss_kb % 1024) * 10 / 1024 )) MB  target < 15 MB: $([ $rss_kb -lt 15360 ] && echo met || echo NOT met)"

body='{"field":"date","markdown_file":"'"$work"'/talk.md","config_files":["'"$work"'/_lamd.yml"]}'
export LYNGUINE_SERVER_PORT=$port
hyperfine -N --warmup 30 --runs ${RUNS:-300} --export-json "$work/calls.json" \
  "$bin field date talk.md --server" \
  "curl -s -X POST -H Content-Type:application/json --data-raw $body http://127.0.0.1:$port/api/talk/field" \
  >/dev/null 2>&1
$py - "$work/calls.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, curl = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"lynguine field --server (whole)  : median {ours:.3f} ms  target < 2 ms: {'met' if ours < 2 else 'NOT met'}")
print(f"curl, same request (whole)       : median {curl:.3f} ms")
print(f"ratio curl/lynguine              : {curl/ours:.1f}x  target >= 5x: {'met' if curl/ours >= 5 else 'NOT met'}")
PY

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body   = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
wrk -t${WRK_THREADS:-1} -c${CONNS:-32} -d${DURATION:-10}s --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/talk/field" > "$work/wrk.txt"
$py - "$work/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
def ms(label):
    m = re.search(label + r"\s+([\d.]+)(us|ms|s)", t)
    v = float(m.group(1)); u = m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
p99 = ms("99%")
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"wrk POST /api/talk/field         : {rps:,.0f} req/s  target >= 40,000: {'met' if rps >= 40000 else 'NOT met'}")
print(f"wrk p50 / p99 latency            : {ms('50%'):.2f} / {p99:.2f} ms  target p99 < 5 ms: {'met' if p99 < 5 else 'NOT met'}")
print(f"wrk non-2xx answers              : {errors.group(1) if errors else 0}")
PY
