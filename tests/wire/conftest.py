"""Shared fixtures for the wire-level tests: the built binary, fresh copies
of the conformance fixtures, and lynguine servers started on free ports.

Every fixture copy and temporary directory made here is removed after the
test that made it (a module-scoped copy after the module), and at exit
whatever is left: `make test` fails when the run leaves anything in $TMPDIR."""
import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import types
import urllib.request

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFORMANCE = os.path.join(REPO, "tests", "conformance")
sys.path.insert(0, CONFORMANCE)

import conform  # noqa: E402  (the recorded cases' own comparator)

BINARY = os.environ.get("LYNGUINE_BIN", os.path.join(REPO, "build", "bin", "lynguine"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_running(pid):
    """Whether `pid` is a running process (a zombie, exited but not yet
    reaped by its parent, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# Temporary directories made here, oldest first; see remove_temp_dirs. Some
# test modules load this file a second time under another name (see
# test_faults.py): the list is shared through sys.modules so that the
# per-test removal below sees their directories too.
_CREATED = sys.modules.setdefault("lyn_wire_temp_dirs", types.ModuleType("lyn_wire_temp_dirs")) \
    .__dict__.setdefault("dirs", [])


def temp_dir(prefix="lyn-tmp-"):
    """A new temporary directory, removed with the others (remove_temp_dirs)."""
    d = tempfile.mkdtemp(prefix=prefix)
    _CREATED.append(d)
    return d


def remove_temp_dirs(keep=0):
    """Removes the directories made since the first `keep` (all by default)."""
    while len(_CREATED) > keep:
        shutil.rmtree(_CREATED.pop(), ignore_errors=True)


atexit.register(remove_temp_dirs)


@pytest.fixture(autouse=True, scope="module")
def _module_temp_dirs_removed():
    """What a module's tests and module-scoped fixtures made is removed after
    the module (this fixture is set up before the module's other ones, so
    torn down after them: their servers have stopped by then)."""
    keep = len(_CREATED)
    yield
    remove_temp_dirs(keep)


@pytest.fixture(autouse=True)
def _temp_dirs_removed():
    """What a test made is removed after it (higher-scoped fixtures made
    theirs before this point, so they keep them for the rest of their scope)."""
    keep = len(_CREATED)
    yield
    remove_temp_dirs(keep)


@pytest.fixture
def tmp_dir():
    """A temporary directory for one test (instead of pytest's tmp_path, which
    leaves numbered directories behind in $TMPDIR)."""
    return temp_dir()


def fresh_fixtures(extra=False):
    """A fresh copy of the conformance fixtures and an empty $HOME; with
    `extra`, the files of the extra cases (fixtures_extra/) on top."""
    base = temp_dir(prefix="lyn-fx-")
    root = os.path.join(base, "fixtures")
    shutil.copytree(os.path.join(CONFORMANCE, "fixtures"), root)
    if extra:
        shutil.copytree(os.path.join(CONFORMANCE, "fixtures_extra"), root, dirs_exist_ok=True)
    home = os.path.join(base, "home")
    os.mkdir(home)
    return os.path.realpath(root), os.path.realpath(home)


def child_env(home, state_dir=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LYNGUINE_") and k != "LAMD_CONFORMANCE_UNSET"}
    env["HOME"] = home
    env["LYNGUINE_STATE_DIR"] = state_dir or os.path.join(home, ".lynguine-state")
    # A server's temp files (lynguine's lockfile, which a killed server
    # leaves behind) go with the test's home, not the run's $TMPDIR.
    env["TMPDIR"] = os.path.join(home, ".tmp")
    os.makedirs(env["TMPDIR"], exist_ok=True)
    return env


AUTH_OPTIONS = ("--api-keys", "--auth-token", "--auth-token-file", "--auth")


def no_auth_unless_given(args):
    """`--auth none` unless `args` configure authentication: the wire tests
    speak to the server as lynguine's own ServerClient does (no token), the
    documented opt-out (a TCP server otherwise requires the local token)."""
    return [] if any(a in AUTH_OPTIONS for a in args) else ["--auth", "none"]


class Server:
    headers = {}  # what a request needs (a subclass's token)

    def __init__(self, root, home, extra_args=()):
        self.root, self.home = root, home
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.env = child_env(home)
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--root", root, "--quiet", *extra_args,
             *no_auth_unless_given(extra_args)],
            cwd=root, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/api/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("server did not start")

    def requests(self, endpoint=None, status=None):
        """Requests the server has answered (its /metrics counter), for one
        endpoint (route template) and status when given. The /metrics request
        itself is counted only after this call answers."""
        req = urllib.request.Request(self.base + "/metrics", headers=self.headers)
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
        total = 0
        for m in re.finditer(r'^lynguine_requests_total\{endpoint="([^"]*)",method="[^"]*",'
                             r'status="(\d+)"\} (\d+)$', text, re.M):
            if endpoint is not None and m.group(1) != endpoint:
                continue
            if status is not None and int(m.group(2)) != status:
                continue
            total += int(m.group(3))
        return total

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def server():
    root, home = fresh_fixtures()
    s = Server(root, home)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def module_server():
    """One server on fresh fixtures for a whole module (its tests only read,
    or build on each other's changes in order)."""
    root, home = fresh_fixtures()
    s = Server(root, home)
    yield s
    s.stop()


def run_cli(args, cwd, home, input_text=None, env=None):
    e = child_env(home)
    e.update(env or {})
    return subprocess.run([BINARY, *args], cwd=cwd, env=e, capture_output=True,
                          input=input_text, timeout=120)


def server_env(server):
    """Environment for a client that must use `server` and nothing else."""
    return {"LYNGUINE_USE_SERVER": "1", "LYNGUINE_NO_FALLBACK": "1",
            "LYNGUINE_SERVER_PORT": str(server.port)}


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
