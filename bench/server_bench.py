#!/usr/bin/env python3
# bench-rows: the server against lynguine's Python server, curl and a bare Beast server: per-call cost through each client, throughput on cache hits and on cache misses, start-to-ready, idle memory
"""Server benchmark, one run, every figure beside its baseline:

- per call, a whole process each (hyperfine -N): our `lynguine field date
  talk.md` through our server, against lamd's `mdfield --use-server` through
  lynguine's Python server (each tool with its own client); curl sending the
  same request to each server; our client against curl on our server;
- throughput (wrk, one thread, 32 connections) on POST /api/talk/field: our
  server on cache hits against a bare Boost.Beast server answering the same
  bytes (bench/beast_hello.cc) and against lynguine's Python server; our
  server on cache misses (10,000 copies of talk.md asked for in turn, more
  than its cache holds; the server's own hit/miss counters are reported)
  against lynguine's Python server under the same script; and issue 13's
  row: 16 connections on cache hits, the worker pool in place (a
  talk/field whose talk is a fresh cache hit is answered on the I/O
  thread, anything else on a worker), against the bare Beast server in
  rounds interleaved with ours (req/s >= 0.7x, p99 < 5 ms; the load
  average rides along);
- read_data on a 50,000-row CSV through the server, again and again: on
  cache hits and on misses (the file's mtime moved before each request; the
  server's counters checked), against lynguine's Python server (which reads
  the file every time) and hits against misses;
- start-to-ready (`serve --daemon` returns once it listens) and idle resident
  memory, against lynguine's Python server.

Before timing anything it checks that every server answers the request with
status 200 and the same value, and that every client's answer came from its
server (our server's request counter, the Python server's request log).

    bench/server_bench.py          (BENCH_QUICK=1: fewer runs, rough figures)
"""
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import rows  # noqa: E402

RUNS = 30 if B.QUICK else int(os.environ.get("RUNS", "300"))
PY_RUNS = 5 if B.QUICK else int(os.environ.get("PY_RUNS", "30"))
DURATION = 3 if B.QUICK else int(os.environ.get("DURATION", "10"))
CONNS = int(os.environ.get("CONNS", "32"))
ROUNDS = 1 if B.QUICK else 5  # interleaved rounds of issue 13's -c16 row
STARTS = 5 if B.QUICK else 15
BIG_ROWS = 5000 if B.QUICK else 50000
READS = 5 if B.QUICK else 20
MISS_FILES = 10000  # more than the server's cache holds
PY_READS = 2 if B.QUICK else 5

FIELD = "date"
BENCH = "server"


def lua_post(path, body):
    """A wrk script posting `body` with every request."""
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = %s\n'
                'wrk.headers["Content-Type"] = "application/json"\n' % json.dumps(body))
    return path


def lua_post_cycling(path, root, n_files):
    """A wrk script asking for the field of a different copy of talk.md each
    time, n_files of them in turn: more than the server's cache holds (4096
    entries), so every request is a miss (the server's counters say so); the
    script itself only formats a string, so wrk is not the limit."""
    os.makedirs(os.path.join(root, "copies"), exist_ok=True)
    with open(os.path.join(root, "talk.md")) as f:
        text = f.read()
    for k in range(n_files):
        with open(os.path.join(root, "copies", "t%d.md" % k), "w") as f:
            f.write(text)
    with open(path, "w") as f:
        f.write("\n".join([
            "local n = 0",
            "request = function()",
            "  n = n + 1",
            "  local body = string.format('{\"field\": \"%s\", \"markdown_file\": "
            "\"copies/t%%d.md\", \"config_files\": [\"_lamd.yml\"]}', n %% %d)" % (FIELD, n_files),
            '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)',
            "end", ""]))
    return path


def py_log_lines(path):
    with open(path, errors="replace") as f:
        return sum(1 for line in f if '"POST /api/talk/field' in line)


def interleaved(ours, base):
    """ROUNDS runs of ours(secs) and base(secs) (each -> (wrk result, hits,
    misses)), alternating which goes first; ((ours, base), hits, misses)
    where each merged result's rps is its requests over its total time and
    p50/p99 the median over the rounds (p99_max_ms: the worst round)."""
    secs = max(1, DURATION // ROUNDS)
    runs = {"ours": [], "base": []}
    hits = misses = 0
    for r in range(ROUNDS):
        for name in (("ours", "base") if r % 2 == 0 else ("base", "ours")):
            w, h, m = (ours if name == "ours" else base)(secs)
            runs[name].append(w)
            hits += h
            misses += m

    def merged(ws):
        return {"rps": sum(w["requests"] for w in ws) / (secs * len(ws)),
                "requests": sum(w["requests"] for w in ws),
                "p50_ms": statistics.median(w["p50_ms"] for w in ws),
                "p99_ms": statistics.median(w["p99_ms"] for w in ws),
                "p99_max_ms": max(w["p99_ms"] for w in ws)}
    return (merged(runs["ours"]), merged(runs["base"])), hits, misses


def timed_reads(port, body, n, before_each=None, keep_alive=True):
    """Median ms of n POST /api/read_data, sequential (one keep-alive
    connection unless keep_alive is False: lynguine's server closes each)."""
    times = []
    conn = None
    for i in range(n):
        if before_each:
            before_each(i)
        if conn is None or not keep_alive:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        t0 = time.perf_counter()
        conn.request("POST", "/api/read_data", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        times.append((time.perf_counter() - t0) * 1e3)
        assert r.status == 200, (r.status, data[:300])
        if not keep_alive:
            conn.close()
    return statistics.median(times), len(data)


def read_rows(root, port, py_port):
    """read_data on a CSV of BIG_ROWS rows through the server, again and again:
    cache hits, then misses (the file's mtime moved before each request), each
    beside lynguine's Python server on the same request (it reads every time)."""
    path = os.path.join(root, "data", "big.csv")
    with open(path, "w") as f:
        f.write("id,name,affiliation,age,score,accepted\n")
        for i in range(BIG_ROWS):
            f.write("%d,Person %d,\"University %d, Dept. %d\",%s,%.2f,%s\n"
                    % (i, i, i % 97, i % 13, "" if i % 10 == 0 else 20 + i % 60,
                       (i % 7) * 1.25, "True" if i % 2 else "False"))
    body = json.dumps({"data_source": {"type": "csv", "filename": "data/big.csv"}})
    timed_reads(port, body, 1)  # parse once: the cache holds it now
    m0 = B.metrics(port)
    hit_ms, size = timed_reads(port, body, READS)
    m1 = B.metrics(port)
    st = os.stat(path)
    touch = lambda i: os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + (i + 1) * 1000))
    miss_ms, _ = timed_reads(port, body, READS, before_each=touch)
    m2 = B.metrics(port)
    count = lambda a, b, k: int(b.get(k, 0) - a.get(k, 0))
    hits = count(m0, m1, "lynguine_cache_hits_total")
    misses = count(m1, m2, "lynguine_cache_misses_total")
    assert hits >= READS and count(m0, m1, "lynguine_cache_misses_total") == 0, (m0, m1)
    assert misses >= READS, (m1, m2)
    py_ms = None
    if py_port:
        py_ms, _ = timed_reads(py_port, body, PY_READS, keep_alive=False)
    what = "read_data %s-row CSV (%.1f MB answer) via the server" % (
        "{:,}".format(BIG_ROWS), size / 1e6)
    rows.emit(bench=BENCH, what=what + ", %d cache hits" % hits, ours=hit_ms, unit="ms",
              baseline="lynguine Python server (reads the file each time)", base=py_ms,
              alloc=rows.ALLOC_OURS, cache="hit", reads=READS, base_reads=PY_READS)
    rows.emit(bench=BENCH, what=what + ", file touched first: %d misses" % misses, ours=miss_ms,
              unit="ms", baseline="lynguine Python server (reads the file each time)",
              base=py_ms, alloc=rows.ALLOC_OURS, cache="miss", reads=READS,
              base_reads=PY_READS)
    rows.emit(bench=BENCH, what=what + ": cache hit vs miss", ours=hit_ms, unit="ms",
              baseline="ours, file touched before each request", base=miss_ms,
              alloc=rows.ALLOC_OURS_BOTH, cache="hit vs miss", reads=READS)


def main():
    if not os.path.exists(B.BINARY):
        print("no lynguine binary at %s" % B.BINARY, file=sys.stderr)
        return 1
    have_py = B.oracle_ok()
    work = B.work_dir("lyn-server-bench-")
    root = os.path.join(work, "project")
    procs = []
    try:
        body = json.dumps({"field": FIELD, "markdown_file": "talk.md",
                           "config_files": ["_lamd.yml"]})
        body_file = os.path.join(work, "body.json")
        with open(body_file, "w") as f:
            f.write(body)
        ours, port = B.start_ours(root, work)
        procs.append(ours)
        status, ours_answer = B.post("http://127.0.0.1:%d/api/talk/field" % port, body)
        assert status == 200, (status, ours_answer)
        value = json.loads(ours_answer)["value"]
        if have_py:
            py, py_port = B.start_python_server(root, os.path.join(work, "py-server.log"))
            py_log = os.path.join(root, "lynguine.log")  # lynguine logs each request there
            procs.append(py)
            status, py_answer = B.post("http://127.0.0.1:%d/api/talk/field" % py_port, body)
            assert status == 200 and json.loads(py_answer)["value"] == value, (status, py_answer)
        beast, beast_port = B.start_beast_hello(ours_answer)
        procs.append(beast)

        # ---- per call: a whole process each -------------------------------
        ours_url = "http://127.0.0.1:%d/api/talk/field" % port
        curl = "curl -s --fail -X POST -H Content-Type:application/json --data-binary @%s " % (
            body_file)
        cmds = {"ours": "%s field %s talk.md" % (B.BINARY, FIELD), "curl_ours": curl + ours_url}
        if have_py:
            cmds["curl_py"] = curl + "http://127.0.0.1:%d/api/talk/field" % py_port
            cmds["mdfield_py"] = "%s --use-server %s talk.md" % (
                os.path.join(B.ORACLE, "lamd-bin", "mdfield"), FIELD)
        env = B.lynguine_env(work)
        env.update(LYNGUINE_SERVER_PORT=str(port), LYNGUINE_NO_FALLBACK="1",
                   LYNGUINE_ORACLE_SERVER_URL="http://127.0.0.1:%d" % (py_port if have_py else 1))
        # Same answers, from the servers: ours exits 1 rather than fall back.
        out = subprocess.run(cmds["ours"].split(), cwd=root, env=env, capture_output=True,
                             text=True, check=True).stdout
        if have_py:
            before = py_log_lines(py_log)
            py_out = subprocess.run(cmds["mdfield_py"].split(), cwd=root, env=env,
                                    capture_output=True, text=True, check=True)
            assert py_out.stdout == out, (py_out.stdout, out)
            assert py_log_lines(py_log) == before + 1, "mdfield --use-server did not use the server"
            assert "Falling back" not in py_out.stderr, py_out.stderr
        m0 = B.metrics(port)
        fast = {k: v for k, v in cmds.items() if k != "mdfield_py"}
        res = dict(zip(fast, B.hyperfine(list(fast.values()), RUNS, 20, work, env=env, cwd=root)))
        m1 = B.metrics(port)
        calls = m1["lynguine_requests_total"] - m0["lynguine_requests_total"]
        expected = (RUNS + 20) * 2 + 1  # ours and curl_ours, warm-ups too, plus one /metrics
        assert calls >= expected, "our server answered %d of %d calls" % (calls, expected)
        if have_py:
            before = py_log_lines(py_log)
            res["mdfield_py"] = B.hyperfine([cmds["mdfield_py"]], PY_RUNS, 2, work, env=env,
                                           cwd=root)[0]
            assert py_log_lines(py_log) - before == PY_RUNS + 2, "mdfield fell back to direct mode"
        med = {k: r["median"] * 1e3 for k, r in res.items()}
        p = lambda k: med.get(k)
        rows.emit(bench=BENCH, what="field date via a server, whole process: our client+server",
                  ours=p("ours"), unit="ms",
                  baseline="lamd mdfield --use-server + lynguine Python server", base=p("mdfield_py"),
                  target="<2 ms", alloc=rows.ALLOC_OURS, cache="hit", runs=RUNS,
                  base_runs=PY_RUNS)
        rows.emit(bench=BENCH, what="same request by curl (a process per call): our server",
                  ours=p("curl_ours"), unit="ms", baseline="curl to lynguine Python server",
                  base=p("curl_py"), alloc=rows.ALLOC_OURS, cache="hit", runs=RUNS)
        rows.emit(bench=BENCH, what="field date via our server: our client vs curl",
                  ours=p("ours"), unit="ms", baseline="curl, same request, our server",
                  base=p("curl_ours"), target=">=5x", alloc=rows.ALLOC_OURS, cache="hit",
                  runs=RUNS)

        # ---- throughput: wrk -----------------------------------------------
        hit_lua = lua_post(os.path.join(work, "hit.lua"), body)
        miss_lua = lua_post_cycling(os.path.join(work, "miss.lua"), root, MISS_FILES)

        def counted(lua, secs=None, conns=None):
            m0 = B.metrics(port)
            w = B.wrk(ours_url, lua, secs or DURATION, conns or CONNS)
            m1 = B.metrics(port)
            hits = m1.get("lynguine_cache_hits_total", 0) - m0.get("lynguine_cache_hits_total", 0)
            misses = (m1.get("lynguine_cache_misses_total", 0)
                      - m0.get("lynguine_cache_misses_total", 0))
            assert w["non2xx"] == 0 and w["socket_errors"] == 0, w["text"]
            return w, int(hits), int(misses)

        w_hit, hits, misses = counted(hit_lua)
        w_beast = B.wrk("http://127.0.0.1:%d/api/talk/field" % beast_port, hit_lua, DURATION,
                        CONNS)
        # Issue 13's row: 16 connections, handlers on the worker pool,
        # against the bare Beast server (2 threads, like ours), interleaved:
        # ROUNDS short runs each, alternating which goes first, so that the
        # load of a shared machine drifting during the row weighs on both.
        w16, hits16, misses16 = interleaved(
            lambda secs: counted(hit_lua, secs, 16),
            lambda secs: (B.wrk("http://127.0.0.1:%d/api/talk/field" % beast_port, hit_lua,
                                secs, 16), 0, 0))
        w16, w16_beast = w16
        w_miss, miss_hits, miss_misses = counted(miss_lua)
        w_py = w_py_miss = None
        if have_py:
            py_url = "http://127.0.0.1:%d/api/talk/field" % py_port
            w_py = B.wrk(py_url, hit_lua, DURATION, CONNS)
            w_py_miss = B.wrk(py_url, miss_lua, DURATION, CONNS)
        rps = lambda w: w["rps"] if w else None
        extra = lambda w: {"p50_ms": w["p50_ms"], "p99_ms": w["p99_ms"]} if w else {}
        rows.emit(bench=BENCH, what="wrk POST talk/field, cache hits (%d hits, %d misses)"
                  % (hits, misses), ours=rps(w_hit), unit="req/s", better="higher",
                  baseline="bare Boost.Beast server, same bytes", base=rps(w_beast),
                  target=">=40000 req/s", alloc=rows.ALLOC_OURS, cache="hit",
                  base_p99_ms=w_beast["p99_ms"], **extra(w_hit))
        rows.emit(bench=BENCH, what="wrk -c16 POST talk/field, worker pool, cache hits (%d hits, "
                  "%d misses), %d rounds interleaved with the baseline" % (hits16, misses16, ROUNDS),
                  ours=rps(w16), unit="req/s",
                  better="higher", baseline="bare Boost.Beast hello world (bench/beast_hello.cc)",
                  base=rps(w16_beast), target=">=0.7x", alloc=rows.ALLOC_OURS,
                  cache="hit", base_p99_ms=w16_beast["p99_ms"], load=os.getloadavg()[0],
                  placement="hits inline on the I/O threads, misses on the pool",
                  **extra(w16))
        rows.emit(bench=BENCH, what="wrk -c16 POST talk/field p99 (median of %d interleaved "
                  "rounds), worker pool, cache hits" % ROUNDS,
                  ours=w16["p99_ms"], unit="ms", baseline="bare Boost.Beast hello world p99",
                  base=w16_beast["p99_ms"], target="<5 ms", alloc=rows.ALLOC_OURS, cache="hit",
                  p99_max_ms=w16["p99_max_ms"], base_p99_max_ms=w16_beast["p99_max_ms"],
                  load=os.getloadavg()[0])
        rows.emit(bench=BENCH, what="wrk POST talk/field, cache hits", ours=rps(w_hit),
                  unit="req/s", better="higher", baseline="lynguine Python server",
                  base=rps(w_py), alloc=rows.ALLOC_OURS, cache="hit", **extra(w_hit))
        rows.emit(bench=BENCH, what="wrk POST talk/field, %d files in turn (%d misses, %d hits)"
                  % (MISS_FILES, miss_misses, miss_hits), ours=rps(w_miss),
                  unit="req/s", better="higher", baseline="lynguine Python server, same script",
                  base=rps(w_py_miss), alloc=rows.ALLOC_OURS, cache="miss", **extra(w_miss))
        rows.emit(bench=BENCH, what="wrk p99 latency, cache hits", ours=w_hit["p99_ms"],
                  unit="ms", baseline="lynguine Python server", base=w_py and w_py["p99_ms"],
                  target="<5 ms", alloc=rows.ALLOC_OURS, cache="hit")
        rows.emit(bench=BENCH, what="wrk talk/field: cache hits vs misses", ours=rps(w_hit),
                  unit="req/s", better="higher", baseline="ours, %d files in turn (misses)" % MISS_FILES,
                  base=rps(w_miss), alloc=rows.ALLOC_OURS_BOTH, cache="hit vs miss")

        # ---- a large data file read again and again: hits, misses ------------
        read_rows(root, port, py_port if have_py else None)

        # ---- start-to-ready and idle memory -----------------------------------
        starts = []
        state_env = B.lynguine_env(work)
        for _ in range(STARTS):
            sp = B.free_port()
            t0 = time.perf_counter()
            subprocess.run([B.BINARY, "serve", "--daemon", "--port", str(sp), "--root", root],
                           cwd=root, env=state_env, check=True, stdout=subprocess.DEVNULL)
            starts.append((time.perf_counter() - t0) * 1e3)
            subprocess.run([B.BINARY, "serve", "--stop"], cwd=root, env=state_env, check=True,
                           stdout=subprocess.DEVNULL)
        py_starts, py_rss = [], []
        if have_py:
            for _ in range(3 if B.QUICK else 5):
                t0 = time.perf_counter()
                p2, _ = B.start_python_server(root, os.path.join(work, "py-start.log"))
                py_starts.append((time.perf_counter() - t0) * 1e3)
                py_rss.append(B.rss_kb(p2.pid) / 1024)  # after its first request
                B.stop(p2)
        rows.emit(bench=BENCH, what="start to ready (serve --daemon returns when listening)",
                  ours=statistics.median(starts), unit="ms",
                  baseline="lynguine Python server until /api/health answers",
                  base=statistics.median(py_starts) if py_starts else None, target="<20 ms",
                  alloc=rows.ALLOC_OURS, cache="cold")
        idle, idle_port = B.start_ours(root, work)  # answered one /api/health
        procs.append(idle)
        rows.emit(bench=BENCH, what="idle resident memory after its first request",
                  ours=B.rss_kb(idle.pid) / 1024, unit="MB",
                  baseline="lynguine Python server, the same",
                  base=statistics.median(py_rss) if py_rss else None, target="<15 MB",
                  alloc=rows.ALLOC_OURS, cache="n/a")
        return 0
    finally:
        for p in procs:
            B.stop(p)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
