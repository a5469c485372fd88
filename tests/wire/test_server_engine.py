"""The server engine as clients see it: the parsed-file cache never serves
stale data, concurrent requests never leak into each other, and the
lifecycle commands (daemon, status, stop, the start race, stale state,
idle exit, SIGTERM drain) behave."""
import concurrent.futures
import glob
import json
import socket
import os
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import BINARY, Server, child_env, fresh_fixtures


def post(base, path, body, timeout=30):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture
def server():
    root, home = fresh_fixtures()
    s = Server(root, home)
    yield s
    s.stop()


def test_a_file_changed_within_the_same_second_is_never_served_stale(server):
    md = os.path.join(server.root, "talks", "stale.md")
    body = {"field": "title", "markdown_file": "talks/stale.md"}
    for i in range(20):
        with open(md, "w") as f:
            f.write("---\ntitle: v%d\n---\nbody\n" % i)
        # Same size, same second: only the nanosecond mtime (or inode) differs.
        status, got = post(server.base, "/api/talk/field", body)
        assert status == 200 and got["value"] == "v%d" % i
    csv = os.path.join(server.root, "data", "stale.csv")
    for i in range(10):
        tmp = csv + ".tmp"
        with open(tmp, "w") as f:
            f.write("a,b\n%d,x\n" % i)
        os.replace(tmp, csv)  # a new inode, as editors and our writers do
        status, got = post(server.base, "/api/read_data",
                           {"data_source": {"type": "csv", "filename": "data/stale.csv"}})
        assert got["data"]["records"] == [{"a": i, "b": "x"}]


def test_mixed_concurrent_requests_each_get_their_own_answer(server):
    cases = [
        ("/api/talk/field", {"field": "title", "markdown_file": "talks/gp-intro.md",
                             "config_files": ["_lamd.yml"]},
         lambda g: g["value"] == "Introduction to Gaussian Processes"),
        ("/api/talk/field", {"field": "title", "markdown_file": "talks/deep-gp.md",
                             "config_files": ["_config.yml"]},
         lambda g: g["value"] != "Introduction to Gaussian Processes" and g["status"] == "success"),
        ("/api/read_data", {"data_source": {"type": "csv", "filename": "data/attendance.csv"}},
         lambda g: g["data"]["shape"] == [6, 4]),
        ("/api/read_data", {"data_source": {"type": "yaml", "filename": "data/seminars.yml"}},
         lambda g: g["data"]["shape"] == [3, 7]),
        ("/api/compute", {"operation": "render_liquid",
                          "params": {"template": "{{ a | plus: b }}", "context": {"a": 1, "b": 2}}},
         lambda g: g["result"] == "3"),
        ("/api/read_data", {"data_source": {"type": "csv", "filename": "../../etc/passwd"}},
         lambda g: g["error_type"] == "PathEscapeError"),
    ]
    work = [cases[i % len(cases)] for i in range(600)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda c: (c, post(server.base, c[0], c[1])), work))
    bad = [c[0] for c, (status, got) in results if not c[2](got)]
    assert bad == []


def lyn(args, env, cwd, timeout=30):
    return subprocess.run([BINARY, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def isolated():
    root, home = fresh_fixtures()
    env = child_env(home, state_dir=os.path.join(home, "state"))
    env["LYNGUINE_SERVER_ROOT"] = root
    yield root, env
    lyn(["serve", "--stop"], env, root)


def test_daemon_status_stop(isolated):
    root, env = isolated
    r = lyn(["serve", "--daemon", "--port", "0", "--root", root], env, root)
    assert r.returncode == 0, r.stderr
    st = lyn(["serve", "--status"], env, root)
    assert st.returncode == 0
    state = json.loads(st.stdout)
    assert state["pid"] > 0 and state["port"] > 0
    assert r.stdout.strip() == "http://127.0.0.1:%d" % state["port"]  # printed for scripts
    record = os.path.join(env["LYNGUINE_STATE_DIR"], "server-%d.json" % state["pid"])
    assert state["state_file"] == record
    assert oct(os.stat(record).st_mode & 0o777) == "0o600"
    assert "token" not in state and "nonce" not in state  # never shown
    assert lyn(["serve", "--stop"], env, root).returncode == 0
    assert lyn(["serve", "--status"], env, root).returncode != 0
    assert not os.path.exists(record)


def test_ten_clients_starting_at_once_share_one_server(isolated):
    root, env = isolated
    out = [None] * 10

    def run(i):
        out[i] = lyn(["field", "title", "talks/gp-intro.md", "--config", "_lamd.yml", "--server"],
                     env, root)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.stdout == "Introduction to Gaussian Processes\n" for r in out), \
        [(r.stdout, r.stderr) for r in out]
    state = json.loads(lyn(["serve", "--status"], env, root).stdout)
    pids = subprocess.run(["pgrep", "-f", "lynguine serve --daemon"], capture_output=True,
                          text=True).stdout.split()
    ours = [p for p in pids if open("/proc/%s/environ" % p, "rb").read().find(
        env["LYNGUINE_STATE_DIR"].encode()) >= 0]
    assert ours == [str(state["pid"])]


def test_stale_state_is_replaced(isolated):
    root, env = isolated
    state_dir = env["LYNGUINE_STATE_DIR"]
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    # A record of a per-user server that is gone, and the socket it left.
    sock_path = os.path.join(state_dir, "server.sock")
    with open(os.path.join(state_dir, "server-999999.json"), "w") as f:
        json.dump({"pid": 999999, "process_start": 1, "socket": sock_path, "nonce": "00",
                   "version": "0.0.1", "root": root, "started_at": 0}, f)
    left = socket.socket(socket.AF_UNIX)
    left.bind(sock_path)
    left.close()
    r = lyn(["field", "title", "talks/gp-intro.md", "--config", "_lamd.yml", "--server"], env, root)
    assert r.stdout == "Introduction to Gaussian Processes\n"
    state = json.loads(lyn(["serve", "--status"], env, root).stdout)
    assert state["pid"] != 999999 and state["socket"] == sock_path
    assert not os.path.exists(os.path.join(state_dir, "server-999999.json"))


def test_idle_server_exits_by_itself(isolated):
    root, env = isolated
    assert lyn(["serve", "--daemon", "--port", "0", "--idle-timeout", "1"], env, root).returncode == 0
    [state_file] = glob.glob(os.path.join(env["LYNGUINE_STATE_DIR"], "server-*.json"))
    pid = json.load(open(state_file))["pid"]
    # Watch the pid, not the server: a status request is activity too.
    deadline = time.time() + 120  # generous: a loaded machine may be slow to get there
    while time.time() < deadline and os.path.exists("/proc/%d" % pid):
        time.sleep(0.1)
    assert not os.path.exists("/proc/%d" % pid)
    assert not os.path.exists(state_file)


def in_flight(base):
    """Requests the server is answering, this /metrics request excluded."""
    with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("lynguine_in_flight_requests "):
                return int(float(line.split()[1])) - 1
    raise AssertionError("no lynguine_in_flight_requests in /metrics")


def test_sigterm_finishes_requests_in_flight():
    """SIGTERM while a slow read is in flight (seen in the server's own
    in-flight gauge, not guessed with a sleep): the read completes, then the
    server exits 0. If the read ends before it is seen in flight (a fast
    machine), the attempt proves nothing and is made again."""
    root, home = fresh_fixtures()
    with open(os.path.join(root, "big.csv"), "w") as f:
        f.write("a,b,c\n")
        for i in range(300000):
            f.write("%d,name %d,%d.5\n" % (i, i, i))
    for attempt in range(5):
        s = Server(root, home)
        try:
            result = {}

            def slow():
                result["r"] = post(s.base, "/api/read_data",
                                   {"data_source": {"type": "csv", "filename": "big.csv"}},
                                   timeout=120)

            t = threading.Thread(target=slow)
            t.start()
            deadline = time.time() + 120
            while "r" not in result and in_flight(s.base) < 1:
                assert time.time() < deadline, "the read never showed as in flight"
                time.sleep(0.002)
            if "r" in result:  # finished before it was seen: try again
                t.join()
                continue
            s.proc.send_signal(signal.SIGTERM)
            t.join(120)
            status, got = result["r"]
            assert status == 200 and got["data"]["shape"] == [300000, 3]
            assert s.proc.wait(timeout=60) == 0
            return
        finally:
            s.stop()
    raise AssertionError("the read always finished before it was seen in flight")
