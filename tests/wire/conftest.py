"""Shared fixtures for the wire-level tests: the built binary, fresh copies
of the conformance fixtures, and lynguine servers started on free ports."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
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


def fresh_fixtures(extra=False):
    """A fresh copy of the conformance fixtures and an empty $HOME; with
    `extra`, the files of the extra cases (fixtures_extra/) on top."""
    base = tempfile.mkdtemp(prefix="lyn-fx-")
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
    return env


class Server:
    def __init__(self, root, home, extra_args=()):
        self.root, self.home = root, home
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.env = child_env(home)
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--root", root, "--quiet", *extra_args],
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


def run_cli(args, cwd, home, input_text=None):
    return subprocess.run([BINARY, *args], cwd=cwd, env=child_env(home), capture_output=True,
                          input=input_text, timeout=60)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
