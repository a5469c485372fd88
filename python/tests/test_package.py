"""The Python client as a package (issue 15, point 7): `pip install ./python`
into a fresh virtual environment with nothing from an index; lynguine's
ServerClient and Session method names and signatures (recorded from
lynguine itself by record_lynguine_signatures.py); sessions as objects; and
auto_start reaching the per-user server over its Unix socket, starting one
when none runs, and never attaching to a foreign server on the port; a local
TCP server's token sent only after its proof of identity."""
import http.server
import inspect
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from conftest_wire import BINARY, child_env, fresh_fixtures, temp_dir

import lynguine_client
from lynguine_client import ServerClient, Session

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(HERE)
with open(os.path.join(HERE, "recorded", "lynguine_client_signatures.json")) as f:
    RECORDED = json.load(f)




def test_pip_install_into_a_fresh_venv(served):
    venv = os.path.join(temp_dir(prefix="lyn-venv-"), "v")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    py = os.path.join(venv, "bin", "python")
    # Nothing from an index, no build tools from one, nothing left in pip's cache.
    pip = subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
                          "--no-cache-dir", PACKAGE_DIR], capture_output=True, text=True,
                         timeout=300)
    assert pip.returncode == 0, pip.stderr
    # Run from elsewhere: the import must come from the venv, not this checkout.
    code = ("import json, lynguine_client as l; c = l.ServerClient(%r); "
            "print(json.dumps([l.__file__, l.__version__, "
            "c.extract_talk_field('title', 'talks/gp-intro.md', ['_lamd.yml'])]))"
            % served.base)
    out = subprocess.run([py, "-c", code], cwd=temp_dir(), capture_output=True, text=True,
                         timeout=120, env=dict(child_env(served.home), PYTHONPATH=""))
    assert out.returncode == 0, out.stderr
    where, version, title = json.loads(out.stdout)
    assert where.startswith(venv)
    assert version == "0.2.0"
    assert title == "Introduction to Gaussian Processes"
    # pip built it from the checkout without leaving build output there.
    assert sorted(os.listdir(PACKAGE_DIR)) == sorted(
        ["README.md", "_build", "lynguine_client", "pyproject.toml", "tests"]
        + [n for n in os.listdir(PACKAGE_DIR) if n in ("__pycache__",)])


def params_of(fn):
    out = []
    for p in list(inspect.signature(fn).parameters.values())[1:]:
        out.append({"name": p.name,
                    "default": None if p.default is inspect.Parameter.empty else repr(p.default),
                    "required": p.default is inspect.Parameter.empty})
    return out


@pytest.mark.parametrize("cls_name", ["ServerClient", "Session"])
def test_lynguine_method_names_and_signatures(cls_name):
    ours = getattr(lynguine_client, cls_name)
    for name, theirs in RECORDED[cls_name].items():
        assert hasattr(ours, name), "%s.%s is missing" % (cls_name, name)
        mine = params_of(getattr(ours, name))
        # lynguine's parameters first, same names, order and defaults; ours
        # may add optional ones after them.
        assert [p["name"] for p in mine[:len(theirs)]] == [p["name"] for p in theirs], name
        for a, b in zip(mine, theirs):
            if (cls_name, name, a["name"]) == ("ServerClient", "__init__", "server_url"):
                # None: $LYNGUINE_SERVER_HOST/PORT, else lynguine's default.
                assert a["default"] == "None"
                continue
            assert (a["required"], a["default"]) == (b["required"], b["default"]), (name, a)
        assert all(not p["required"] for p in mine[len(theirs):]), name


def test_sessions_are_objects(served):
    c = ServerClient(served.base)
    s = c.create_session("_lynguine.yml")
    assert isinstance(s, Session)
    shape = s.get_shape()
    assert isinstance(shape, tuple) and shape[0] > 0
    first = s.get_indices()[0]
    s.set_index(first)
    s.set_column(s.get_columns()[0])
    assert s.get_value() == s.get_value_at(first, s.get_columns()[0])
    assert c.get_session(s.session_id).get_info()["session_id"] == s.session_id
    with s:
        pass
    assert all(x["session_id"] != s.session_id for x in c.list_sessions()["sessions"])


def test_lynguine_answers_for_missing_things(served):
    c = ServerClient(served.base, max_retries=0)
    assert c.get_interface_field("_lynguine.yml", "no_such_field") is None
    assert c.get_interface_field("missing.yml", "title") is None
    assert c.get_interface_field("_lynguine.yml", "title") == "GP Summer School participants"
    assert c.extract_talk_field("title", "talks/gp-intro.md", ["_lamd.yml"]) == \
        "Introduction to Gaussian Processes"


@pytest.fixture
def own_state(monkeypatch):
    """A private state directory and server root for auto_start; any server
    started into it is stopped afterwards."""
    root, home = fresh_fixtures()
    state = os.path.join(home, "state")
    monkeypatch.setenv("LYNGUINE_STATE_DIR", state)
    monkeypatch.setenv("LYNGUINE_SERVER_ROOT", root)
    monkeypatch.setenv("LYNGUINE_BIN", BINARY)
    monkeypatch.setenv("HOME", home)
    monkeypatch.chdir(root)
    yield root, home, state
    subprocess.run([BINARY, "serve", "--stop"], env=child_env(home, state),
                   capture_output=True, timeout=60)


def recorded_pid(state):
    out = subprocess.run([BINARY, "serve", "--status", "--json"],
                         env=dict(os.environ, LYNGUINE_STATE_DIR=state), capture_output=True,
                         timeout=60)
    return json.loads(out.stdout).get("pid")


def test_auto_start_starts_and_then_finds_our_server(own_state):
    root, home, state = own_state
    c = ServerClient(auto_start=True, idle_timeout=120, retry_delay=0.1)
    assert c.extract_talk_field("title", "talks/gp-intro.md", ["_lamd.yml"]) == \
        "Introduction to Gaussian Processes"
    pid = recorded_pid(state)
    assert pid and c.health_check()["status"] == "ok"
    assert c._record["pid"] == pid
    c.close()
    # A second client finds the same server through the state directory.
    d = ServerClient(auto_start=True)
    assert d.get_interface_field("_lynguine.yml", "title") == "GP Summer School participants"
    assert d._record["pid"] == pid
    d.close()


class _Foreign(http.server.BaseHTTPRequestHandler):
    """Something else on the port: answers everything with a cheerful 200."""
    seen = []

    def _answer(self):
        _Foreign.seen.append((self.command, self.path))
        body = b'{"status": "success", "value": "FOREIGN", "message": "pong"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def test_auto_start_never_attaches_to_a_foreign_server(own_state, monkeypatch):
    root, home, state = own_state
    foreign = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    port = foreign.server_address[1]
    # A live process that is no lynguine server and a record (as a server
    # writes it, with a token and a nonce) that names it with the foreign
    # port; the default URL points there too.
    decoy = subprocess.Popen(["sleep", "300"])
    try:
        os.makedirs(state, mode=0o700, exist_ok=True)
        with open(os.path.join(state, "server-%d.json" % decoy.pid), "w") as f:
            json.dump({"pid": decoy.pid, "host": "127.0.0.1", "port": port, "auth": "token",
                       "token": "tok-123", "nonce": "ab" * 16, "version": "0.2.0",
                       "root": root, "started_at": 0}, f)
        monkeypatch.setenv("LYNGUINE_SERVER_PORT", str(port))
        _Foreign.seen.clear()
        c = ServerClient(auto_start=True, retry_delay=0.1)
        assert c.extract_talk_field("title", "talks/gp-intro.md", ["_lamd.yml"]) == \
            "Introduction to Gaussian Processes"
        assert c.server_url == "unix:" + os.path.join(state, "server.sock")
        assert all(method == "GET" and path == "/api/health" for method, path in _Foreign.seen), \
            _Foreign.seen
        assert c._record["pid"] == recorded_pid(state) != decoy.pid
        c.close()
    finally:
        foreign.shutdown()
        foreign.server_close()
        decoy.send_signal(signal.SIGKILL)
        decoy.wait()


class _Proving(http.server.BaseHTTPRequestHandler):
    """A server that holds a record's nonce (the record format of server-<pid>.json
    files, docs/guide.md "Finding the server"): it answers X-Lynguine-Challenge
    with HMAC-SHA256(nonce, "lynguine-identity-v1\\n" + challenge + "\\n" + peer)."""
    nonce = ""
    seen = []
    protocol_version = "HTTP/1.1"  # keep-alive, as lynguine serve

    def do_GET(self):
        import hashlib
        import hmac
        challenge = self.headers.get("X-Lynguine-Challenge", "")
        _Proving.seen.append((self.command, self.path, self.headers.get("Authorization")))
        body = b'{"status": "ok", "message": "pong", "server": "lynguine-server-poc"}'
        self.send_response(200)
        if challenge:
            peer = "%s:%d" % self.client_address[:2]
            msg = ("lynguine-identity-v1\n%s\n%s" % (challenge, peer)).encode()
            self.send_header("X-Lynguine-Proof",
                             hmac.new(_Proving.nonce.encode(), msg, hashlib.sha256).hexdigest())
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("proves", [True, False])
def test_a_local_tcp_server_gets_its_token_only_after_its_proof(own_state, proves):
    """Given a local http:// address, the client uses the token of the server
    recorded there only once that server has proved, on the same
    connection, that it holds the record's nonce."""
    root, home, state = own_state
    fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proving)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % fake.server_address[1]
    decoy = subprocess.Popen(["sleep", "300"])
    try:
        os.makedirs(state, mode=0o700, exist_ok=True)
        nonce = "ab" * 16
        _Proving.nonce = nonce if proves else "cd" * 16  # the wrong secret: an impostor
        _Proving.seen = []
        with open(os.path.join(state, "server-%d.json" % decoy.pid), "w") as f:
            json.dump({"pid": decoy.pid, "host": "127.0.0.1", "port": fake.server_address[1],
                       "auth": "token", "token": "tok-123", "nonce": nonce, "version": "0.2.0",
                       "root": root, "started_at": 0}, f)
        c = ServerClient(url, retry_delay=0.1, max_retries=1)
        if proves:
            assert c.ping()
            assert c.server_url == url
            # The probe carried no token; the request after it did.
            assert _Proving.seen[0] == ("GET", "/api/health", None)
            assert _Proving.seen[1] == ("GET", "/api/ping", "Bearer tok-123")
        else:
            # Not proven: a 403 of the client's own, never the token.
            assert not c.ping()
            with pytest.raises(lynguine_client.ServerError) as e:
                c.health_check()
            assert e.value.status == 403
            assert _Proving.seen and all(auth is None for _, _, auth in _Proving.seen)
        c.close()
    finally:
        fake.shutdown()
        fake.server_close()
        decoy.send_signal(signal.SIGKILL)
        decoy.wait()


def test_a_stale_record_gives_no_token_and_no_refusal(own_state):
    """A record whose server has exited (its pid is gone) names nothing: the
    address is used as any other, and the token is never sent."""
    root, home, state = own_state
    fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proving)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    gone = subprocess.Popen(["true"])
    gone.wait()
    try:
        os.makedirs(state, mode=0o700, exist_ok=True)
        _Proving.nonce = "cd" * 16
        _Proving.seen = []
        with open(os.path.join(state, "server-%d.json" % gone.pid), "w") as f:
            json.dump({"pid": gone.pid, "host": "127.0.0.1", "port": fake.server_address[1],
                       "auth": "token", "token": "tok-123", "nonce": "ab" * 16,
                       "version": "0.2.0", "root": root, "started_at": 0}, f)
        c = ServerClient("http://127.0.0.1:%d" % fake.server_address[1], max_retries=0)
        assert c.health_check()["status"] == "ok"
        assert _Proving.seen == [("GET", "/api/health", None)]
        c.close()
    finally:
        fake.shutdown()
        fake.server_close()
