"""The per-user server is the user's alone (issue 12: items 1 and 7, process
identity). Each test mounts one attack and shows it fails, with a control
showing the same request succeeds for the user:

- another local user (simulated with setpriv as nobody; CI runs as root)
  can neither connect to the auto-started server's Unix socket nor read its
  records, nor use a TCP server without its token;
- a forged record naming an unrelated process, with a fake server answering
  for it: `serve --stop`, a version-mismatch restart and our clients never
  signal that process and never send the recorded token;
- a state directory made by someone else, or open to others, is refused; a
  planted server.log symlink is not followed; a planted token symlink is
  replaced, not written through;
- /api/health says no more than status, server name and version.

Servers get generous deadlines (a loaded machine is slow), never fixed sleeps.
"""
import glob
import http.server
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, child_env, free_port, fresh_fixtures

AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
# Simulating a second user needs root (CI runs the tests as root); the
# README's testing section says so.
needs_root = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                                reason="simulating another user needs root and setpriv")


def lyn(args, env, cwd, timeout=60):
    return subprocess.run([BINARY, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def open_to_all(path):
    """Makes `path` and its ancestors up to $TMPDIR traversable, as a home
    directory usually is: only the state directory's own mode keeps others out."""
    top = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
    path = os.path.realpath(path)
    while path.startswith(top + os.sep):
        os.chmod(path, 0o755)
        path = os.path.dirname(path)


@pytest.fixture
def user():
    root, home = fresh_fixtures()
    state = os.path.join(home, ".cache", "lynguine")
    env = child_env(home, state_dir=state)
    env["LYNGUINE_SERVER_ROOT"] = root
    yield root, home, state, env
    lyn(["serve", "--stop"], env, root)


def start_per_user_server(root, env):
    r = lyn(["serve", "--ensure"], env, root)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def as_nobody(code):
    """Runs Python `code` as nobody; its stdout."""
    # The system's python (one under root's home is not nobody's to run).
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    r = subprocess.run([*AS_NOBODY, python, "-c", code], capture_output=True, text=True,
                       timeout=60, cwd="/")
    return r.stdout.strip() + r.stderr.strip()


CONNECT_UNIX = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(%r)
    s.sendall(b"GET /api/status HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
    print("ANSWER", s.recv(200))
except OSError as e:
    print("REFUSED", e.errno)
"""

READ_FILE = """
try:
    print("READ", open(%r).read()[:40])
except OSError as e:
    print("REFUSED", e.errno)
"""


@needs_root
def test_another_user_cannot_reach_the_per_user_server(user):
    root, home, state, env = user
    record = start_per_user_server(root, env)
    open_to_all(os.path.dirname(state))
    sock = record["socket"]
    assert sock == os.path.join(state, "server.sock") and record["auth"] == "socket"
    # Control: the user reaches it through the same socket.
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock)
        s.sendall(b"GET /api/status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 200")
    # The attack: another user connects, or reads the record.
    out = as_nobody(CONNECT_UNIX % sock)
    assert out.startswith("REFUSED"), out
    rec_path = os.path.join(state, "server-%d.json" % record["pid"])
    out = as_nobody(READ_FILE % rec_path)
    assert out.startswith("REFUSED"), out
    # Nor is there a TCP port of that server to find in /proc/net/tcp.
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % record["pid"]):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (record["pid"], fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                assert not (fields[3] == "0A" and fields[9] in inodes), \
                    "the per-user server listens on TCP: " + line


@needs_root
def test_another_user_cannot_use_a_tcp_server_without_its_token(user):
    root, home, state, env = user
    canary = os.path.join(root, "canary.csv")
    with open(canary, "w") as f:
        f.write("secret\nCANARY-1d2f\n")
    r = lyn(["serve", "--daemon", "--port", "0", "--root", root], env, root)
    assert r.returncode == 0, r.stderr
    port = int(r.stdout.strip().rsplit(":", 1)[1])
    body = json.dumps({"data_source": {"type": "csv", "filename": canary}})
    attack = """
import urllib.request, urllib.error
req = urllib.request.Request("http://127.0.0.1:%d/api/read_data", data=%r.encode(),
                             headers={"Content-Type": "application/json"})
try:
    print("ANSWER", urllib.request.urlopen(req, timeout=30).read()[:200])
except urllib.error.HTTPError as e:
    print("HTTP", e.code, e.read()[:200])
""" % (port, body)
    out = as_nobody(attack)
    assert out.startswith("HTTP 401") and "CANARY" not in out, out
    [rec] = glob.glob(os.path.join(state, "server-*.json"))
    assert as_nobody(READ_FILE % rec).startswith("REFUSED")
    # Control: our client reads the token from the record and is answered.
    cenv = dict(env, LYNGUINE_USE_SERVER="1", LYNGUINE_NO_FALLBACK="1",
                LYNGUINE_SERVER_PORT=str(port))
    r = lyn(["call", "POST", "/api/read_data", body], cenv, root)
    assert r.returncode == 0 and "CANARY-1d2f" in r.stdout, r.stdout + r.stderr
    r = lyn(["call", "--server-url", "http://127.0.0.1:%d" % port, "--no-fallback", "GET",
             "/api/status"], env, root)
    assert r.returncode == 0 and '"status": "ok"' in r.stdout, r.stdout + r.stderr
    # lynguine's lockfile names our pid, as lynguine.server writes it.
    lock = os.path.join(env["TMPDIR"], "lynguine-server-127-0-0-1-%d.lock" % port)
    pid = json.load(open(rec))["pid"]
    assert open(lock).read() == str(pid)
    assert lyn(["serve", "--stop"], env, root).returncode == 0
    assert not os.path.exists(lock)


def test_health_says_no_more_than_it_must(user):
    root, home, state, env = user
    r = lyn(["serve", "--daemon", "--port", "0", "--root", root], env, root)
    assert r.returncode == 0, r.stderr
    base = r.stdout.strip()
    with urllib.request.urlopen(base + "/api/health", timeout=30) as resp:
        assert sorted(json.loads(resp.read())) == ["server", "status", "version"]
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(base + "/api/status", timeout=30)
    assert e.value.code == 401


# --- forged records ------------------------------------------------------------


def process_start(pid):
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


class Recorder(http.server.BaseHTTPRequestHandler):
    """A fake server answering like ours, with the victim's pid, and
    remembering every header it was sent."""
    seen = []
    victim = 0

    def do_GET(self):
        Recorder.seen.append(dict(self.headers))
        body = b'{"status": "ok", "server": "lynguine-server-poc", "version": "0.2.0"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Lynguine-Pid", str(Recorder.victim))
        self.send_header("X-Lynguine-Proof", "0" * 64)
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass

    def address_string(self):
        return "peer"


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def victim():
    p = subprocess.Popen(["sleep", "600"])
    Recorder.seen, Recorder.victim = [], p.pid
    yield p
    p.kill()
    p.wait()


def serve_fake(server):
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return server


def forge(state, victim, **fields):
    os.makedirs(state, mode=0o700, exist_ok=True)
    rec = {"pid": victim.pid, "process_start": process_start(victim.pid), "nonce": "ab" * 16,
           "token": "STOLEN-TOKEN-5e1f", "auth": "token", "version": "0.0.1", "root": "/",
           "started_at": 0}
    rec.update(fields)
    with open(os.path.join(state, "server-%d.json" % victim.pid), "w") as f:
        json.dump(rec, f)


def test_forged_tcp_record_no_kill_no_token(user, victim):
    root, home, state, env = user
    fake = serve_fake(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder))
    try:
        port = fake.server_address[1]
        forge(state, victim, host="127.0.0.1", port=port)
        stop = lyn(["serve", "--stop"], env, root)
        assert stop.returncode == 1 and "not stopping pid %d" % victim.pid in stop.stderr, \
            stop.stdout + stop.stderr
        cenv = dict(env, LYNGUINE_USE_SERVER="1", LYNGUINE_NO_FALLBACK="1",
                    LYNGUINE_SERVER_PORT=str(port))
        r = lyn(["call", "GET", "/api/status"], cenv, root)
        assert r.returncode != 0 and "did not prove its identity" in r.stdout + r.stderr, \
            r.stdout + r.stderr
        assert Recorder.seen, "the fake server was never asked: the test proves nothing"
        assert not any("STOLEN-TOKEN-5e1f" in json.dumps(h) for h in Recorder.seen)
        assert victim.poll() is None, "the unrelated process was killed"
    finally:
        fake.shutdown()
        fake.server_close()


def test_forged_per_user_record_no_kill(user, victim):
    """The record claims the per-user socket for another version; a fake
    server (same user, another pid) listens there. A client must not
    restart 'it' by killing the recorded pid."""
    root, home, state, env = user
    os.makedirs(state, mode=0o700, exist_ok=True)
    sock = os.path.join(state, "server.sock")
    fake = serve_fake(UnixHTTPServer(sock, Recorder))
    try:
        forge(state, victim, socket=sock, auth="socket", token="")
        cenv = dict(env, LYNGUINE_NO_FALLBACK="1")
        r = lyn(["field", "title", "talks/gp-intro.md", "--config", "_lamd.yml", "--server"],
                cenv, root)
        assert r.returncode != 0 and "did not prove its identity" in r.stdout + r.stderr, \
            r.stdout + r.stderr
        assert victim.poll() is None, "the unrelated process was killed"
        stop = lyn(["serve", "--stop"], env, root)
        assert stop.returncode == 1 and victim.poll() is None
    finally:
        fake.shutdown()
        fake.server_close()


# --- the state directory and its files -------------------------------------------


@needs_root
def test_state_dir_of_another_user_or_open_to_others_is_refused(user):
    root, home, state, env = user
    os.makedirs(state, mode=0o700)
    os.chown(state, 65534, 65534)  # made by "nobody" before we ran
    r = lyn(["serve", "--ensure"], env, root)
    assert r.returncode == 1 and "owned by uid 65534" in r.stderr, r.stderr
    os.chown(state, 0, 0)
    os.chmod(state, 0o755)
    r = lyn(["serve", "--ensure"], env, root)
    assert r.returncode == 1 and "chmod 700" in r.stderr, r.stderr
    assert os.listdir(state) == []  # nothing was created in it
    os.chmod(state, 0o700)
    assert lyn(["serve", "--ensure"], env, root).returncode == 0  # control


def test_planted_log_and_token_symlinks_are_not_followed(user):
    root, home, state, env = user
    os.makedirs(state, mode=0o700)
    target = os.path.join(home, "victim.txt")
    with open(target, "w") as f:
        f.write("precious")
    os.symlink(target, os.path.join(state, "server.log"))
    r = lyn(["serve", "--daemon", "--port", "0", "--root", root], env, root)
    assert r.returncode == 1 and "server.log" in r.stderr, r.stderr
    assert open(target).read() == "precious"
    os.unlink(os.path.join(state, "server.log"))
    # The token's name: the atomic write replaces the link, never writes through it.
    os.symlink(target, os.path.join(state, "token"))
    r = lyn(["serve", "--daemon", "--port", "0", "--auth-token", "auto", "--root", root], env,
            root)
    assert r.returncode == 0, r.stderr
    assert open(target).read() == "precious"
    tok = os.path.join(state, "token")
    assert not os.path.islink(tok) and oct(os.stat(tok).st_mode & 0o777) == "0o600"
    # No temporary file is left behind.
    assert sorted(n for n in os.listdir(state) if n.startswith(".")) == []


def test_planted_lockfile_symlink_is_not_followed(user):
    """lynguine's lockfile lies in a shared temp directory: a link planted at
    its name (by anyone who can write there) must not redirect our write."""
    root, home, state, env = user
    port = free_port()
    target = os.path.join(home, "victim.txt")
    with open(target, "w") as f:
        f.write("precious")
    lock = os.path.join(env["TMPDIR"], "lynguine-server-127-0-0-1-%d.lock" % port)
    os.symlink(target, lock)
    r = lyn(["serve", "--daemon", "--port", str(port), "--root", root], env, root)
    assert r.returncode == 0, r.stderr
    try:
        assert open(target).read() == "precious"
        assert os.path.islink(lock)
        log = open(os.path.join(state, "server.log")).read()
        assert "not writing lynguine's lockfile" in log, log
    finally:
        assert lyn(["serve", "--stop"], env, root).returncode == 0
    assert os.path.islink(lock) and open(target).read() == "precious"  # left alone on exit
