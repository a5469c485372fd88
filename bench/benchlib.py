"""What the benchmark scripts share: where things are (the build, lynguine's
reference kit), the measuring tools (hyperfine, wrk) and the processes they
measure (our server, lynguine's Python server, the bare Beast server).
Standard library only."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(REPO, os.environ.get("BUILD", "build"))
BINARY = os.environ.get("LYNGUINE_BIN", os.path.join(BUILD, "bin", "lynguine"))
ORACLE = os.environ.get("LYNGUINE_ORACLE", "/tmp/lynguine-oracle")
QUICK = os.environ.get("BENCH_QUICK") == "1"
PYTHON = "/usr/bin/python3"


def oracle_ok():
    return os.access(os.path.join(ORACLE, "bin", "py-lynguine"), os.X_OK)


def oracle_pythonpath():
    return ":".join(os.path.join(ORACLE, p) for p in ("site", "src/lynguine", "src/lamd"))


def oracle_env(extra=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = oracle_pythonpath()
    env.update(extra or {})
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def work_dir(prefix):
    """A temporary copy of examples/project (removed by the caller)."""
    d = tempfile.mkdtemp(prefix=prefix)
    shutil.copytree(os.path.join(REPO, "examples", "project"), os.path.join(d, "project"))
    os.mkdir(os.path.join(d, "home"))
    return d


def lynguine_env(work):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LYNGUINE_")}
    env["HOME"] = os.path.join(work, "home")
    env["LYNGUINE_STATE_DIR"] = os.path.join(work, "home", "state")
    return env


def wait_ready(url, proc, timeout=120.0):
    """Polls url until it answers 200; seconds it took. Fails if proc exits."""
    t0 = time.perf_counter()
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s: the process exited (%s)" % (url, proc.returncode))
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            pass
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError("%s did not answer within %.0f s" % (url, timeout))
        time.sleep(0.002)


def post(url, body, timeout=60):
    req = urllib.request.Request(url, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def stop(proc):
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_ours(root, work, args=()):
    port = free_port()
    proc = subprocess.Popen([BINARY, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--root", root, "--quiet", "--auth", "none", *args], cwd=root,
                            env=lynguine_env(work),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready("http://127.0.0.1:%d/api/health" % port, proc)
    return proc, port


def start_python_server(root, log_path):
    """lynguine's own server (oracle kit) in `root`; its stderr (one line per
    request, http.server's log) goes to log_path."""
    port = free_port()
    log = open(log_path, "w")
    home = os.path.join(os.path.dirname(log_path), "py-home")
    os.makedirs(home, exist_ok=True)
    proc = subprocess.Popen([PYTHON, "-m", "lynguine.server", "--host", "127.0.0.1", "--port",
                             str(port), "--idle-timeout", "0"], cwd=root,
                            env=oracle_env({"HOME": home}), stdout=subprocess.DEVNULL,
                            stderr=log)
    log.close()
    wait_ready("http://127.0.0.1:%d/api/health" % port, proc)
    return proc, port


def built(src, out, std="c++17"):
    """`out`, built from the one C++ file `src` with g++ when missing or older."""
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run(["g++", "-O2", "-std=" + std, "-pthread", src, "-o", out], check=True)
    return out


def beast_hello_binary():
    return built(os.path.join(REPO, "bench", "beast_hello.cc"),
                 os.path.join(BUILD, "bin", "beast_hello"))


def start_beast_hello(body, threads=2):
    port = free_port()
    proc = subprocess.Popen([beast_hello_binary(), str(port), str(threads), body],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("beast_hello did not start")
            time.sleep(0.01)


def hyperfine(commands, runs, warmup, work, env=None, cwd=None):
    """Runs hyperfine -N over the commands (in cwd); a list of result dicts
    (seconds). A command that exits non-zero fails the run."""
    out = os.path.join(work, "hyperfine.json")
    r = subprocess.run(["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs),
                        "--export-json", out, *commands], env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("hyperfine failed: %s" % r.stderr[-2000:])
    with open(out) as f:
        return json.load(f)["results"]


def wrk(url, lua, seconds, connections=32, threads=1):
    """Runs wrk with a Lua script; {rps, p50_ms, p99_ms, requests, non2xx, errors}."""
    r = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds,
                        "--latency", "-s", lua, url], check=True, capture_output=True, text=True)
    t = r.stdout

    def ms(label):
        m = re.search(label + r"\s+([\d.]+)(us|ms|s)\b", t)
        if not m:
            return None
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
            "requests": int(re.search(r"(\d+) requests in", t).group(1)),
            "p50_ms": ms("50%"), "p99_ms": ms("99%"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
            "text": t}


def metrics(port):
    """Our server's /metrics counters as {name: value} (labels dropped and summed)."""
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$", line)
        if m:
            out[m.group(1)] = out.get(m.group(1), 0) + float(m.group(3))
    return out
