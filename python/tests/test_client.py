"""The standard-library Python client against a real `lynguine serve`."""
import os
import subprocess
import sys

import pytest

from conftest_wire import BINARY, Server, fresh_fixtures, child_env  # noqa: F401

import lynguine_client
from lynguine_client import ServerClient, ServerError, ServerInterface




def test_importing_and_reading_does_not_import_pandas():
    code = ("import sys; sys.path.insert(0, %r); import lynguine_client; "
            "print('pandas' in sys.modules)" % os.path.dirname(os.path.dirname(
                os.path.abspath(lynguine_client.__file__))))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_ping_health_and_read(served):
    c = ServerClient(served.base)
    assert c.ping()
    assert c.health_check()["server"] == "lynguine-server-poc"
    data = c.read_data(data_source={"type": "csv", "filename": "data/attendance.csv"})
    assert data["columns"] == ["id", "session", "attended", "minutes"]
    assert data["shape"] == [6, 4]
    assert data["records"][0] == {"id": 1, "session": "2024-09-09", "attended": True,
                                  "minutes": 45}


def test_talk_field_and_interface(served):
    c = ServerClient(served.base)
    assert c.talk_field("title", "talks/gp-intro.md", ["_lamd.yml"]) == \
        "Introduction to Gaussian Processes"
    assert c.talk_field("categories", "talks/gp-intro.md", ["_lamd.yml"]) == \
        "['notes', 'gpss', 'gaussian-processes']"
    iface = ServerInterface.from_file("_lynguine.yml", client=c)
    assert iface["title"] == "GP Summer School participants"
    assert iface.get("no_such_field", "dflt") == "dflt"
    with pytest.raises(KeyError):
        iface["no_such_field"]
    assert iface.read_data()["shape"] == [6, 9]


def test_errors_raise_with_lynguine_shape(served):
    c = ServerClient(served.base, max_retries=0)
    with pytest.raises(ServerError) as e:
        c.read_data(data_source={"type": "csv", "filename": "data/nothing.csv"})
    assert e.value.status == 404
    assert e.value.error_type == "FileNotFoundError"
    with pytest.raises(ServerError) as e:
        c.read_data(data_source={"type": "csv", "filename": "../../etc/passwd"})
    assert e.value.status == 403


def test_write_then_read_round_trip(served):
    c = ServerClient(served.base)
    records = [{"name": "a", "n": 1}, {"name": "b", "n": 2}]
    assert c.write_data(records, {"type": "yaml", "filename": "out.yml"})["status"] == "success"
    assert c.read_data(data_source={"type": "yaml", "filename": "out.yml"})["records"] == records


def test_auto_start_uses_one_server_and_the_callers_directory(monkeypatch):
    root, home = fresh_fixtures()
    env = child_env(home, state_dir=os.path.join(home, "state"))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    for k in [k for k in os.environ if k.startswith("LYNGUINE_") and k not in env]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("LYNGUINE_SERVER_ROOT", root)
    monkeypatch.setenv("LYNGUINE_BIN", BINARY)
    monkeypatch.delenv("LYNGUINE_SERVER_PORT", raising=False)
    monkeypatch.chdir(os.path.join(root, "talks"))
    c = ServerClient("http://127.0.0.1:9", auto_start=True, timeout=5)
    try:
        assert c.talk_field("title", "gp-intro.md", ["../_lamd.yml"]) == \
            "Introduction to Gaussian Processes"
        first = c.server_url
        # A second client finds the same server rather than starting another.
        c2 = ServerClient("http://127.0.0.1:9", auto_start=True, timeout=5)
        assert c2.ping() is True
        assert c2.server_url == first
        # The per-user server is reached through its Unix socket, not TCP.
        assert first == "unix:" + os.path.join(home, "state", "server.sock")
    finally:
        subprocess.run([BINARY, "serve", "--stop"], env=dict(os.environ), timeout=30)


def test_token_of_a_recorded_tcp_server_is_sent_only_after_its_proof(monkeypatch):
    """A TCP server of ours requires its token (in its record in the private
    state directory): the client finds it, and sends it only to the server
    that proves it wrote the record."""
    import http.server
    import json
    import threading

    root, home = fresh_fixtures()
    env = child_env(home, state_dir=os.path.join(home, "state"))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    r = subprocess.run([BINARY, "serve", "--daemon", "--port", "0", "--root", root], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    url = r.stdout.strip()
    try:
        with pytest.raises(ServerError) as e:  # control: without the token, 401
            ServerClient(url, api_key="").status()
        assert e.value.status == 401
        assert ServerClient(url).status()["status"] == "ok"
        # A fake server on another port, named by a copy of that record.
        seen = []

        class Fake(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(dict(self.headers))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.send_header("X-Lynguine-Proof", "0" * 64)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *a):
                pass

        fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        state = env["LYNGUINE_STATE_DIR"]
        [name] = [n for n in os.listdir(state) if n.startswith("server-")]
        rec = json.load(open(os.path.join(state, name)))
        rec["port"] = fake.server_address[1]
        forged = os.path.join(state, "server-1.json")
        with open(forged, "w") as f:
            json.dump(dict(rec, pid=1), f)
        try:
            with pytest.raises(ServerError) as e:
                ServerClient("http://127.0.0.1:%d" % fake.server_address[1]).status()
            assert e.value.status == 403
            assert seen and not any(rec["token"] in json.dumps(h) for h in seen)
        finally:
            os.unlink(forged)
            fake.shutdown()
            fake.server_close()
    finally:
        subprocess.run([BINARY, "serve", "--stop"], env=env, timeout=60)
