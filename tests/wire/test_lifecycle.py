"""A lifecycle that never loses a server (issue 15, point 1): every server we
start -- daemon or foreground, any port or a Unix socket, token, TLS or API
keys -- is recorded in the state directory, `serve --list` shows each, `serve
--status` calls a server that refuses it (429) running and keeps its record,
`serve --stop --port N` (or `--socket PATH`) stops that one only, `serve
--stop --all` the rest, and nothing is left: no record, no process.

Deadlines, never fixed sleeps: a loaded machine is slow.
"""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, child_env, free_port, fresh_fixtures, pid_running


def lyn(args, env, cwd, timeout=90):
    return subprocess.run([BINARY, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def records(state):
    return sorted(f for f in os.listdir(state) if f.startswith("server-") and f.endswith(".json"))


def wait_for(predicate, what, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def listed(env, root):
    r = lyn(["serve", "--list", "--json"], env, root)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture
def servers():
    """Two daemons on ports (one with the local token, one with TLS and API
    keys: a second daemon is recorded too), a foreground server on a Unix
    socket, and a foreground one with --rate-limit 1, started last."""
    root, home = fresh_fixtures()
    state = os.path.join(home, "state")
    env = child_env(home, state_dir=state)
    procs = []
    cert, key = os.path.join(home, "cert.pem"), os.path.join(home, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    keys = os.path.join(home, "keys.json")
    with open(keys, "w") as f:
        json.dump([{"name": "ops", "key": "k" * 32, "rights": "read"}], f)
    sock = os.path.join(home, "lyn.sock")

    ports = {"daemon": free_port(), "tls": free_port(), "limited": free_port()}
    try:
        for name, extra in (("daemon", []),
                            ("tls", ["--tls-cert", cert, "--tls-key", key, "--api-keys", keys])):
            d = lyn(["serve", "--daemon", "--port", str(ports[name]), "--root", root, *extra],
                    env, root)
            assert d.returncode == 0, d.stderr
            scheme = "https" if name == "tls" else "http"
            assert d.stdout.strip() == "%s://127.0.0.1:%d" % (scheme, ports[name])
        for extra in (["--socket", sock], ["--port", str(ports["limited"]), "--rate-limit", "1"]):
            procs.append(subprocess.Popen(
                [BINARY, "serve", "--root", root, "--quiet", *extra],
                cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            # Started in turn, so that the rate-limited one is the latest.
            wait_for(lambda: len(records(state)) == len(procs) + 2, " ".join(extra) + "'s record")
        yield root, env, state, ports, sock
    finally:
        lyn(["serve", "--stop", "--all"], env, root)
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()


def test_every_server_listed_refusal_is_not_absence_stop_by_port_then_all(servers):
    root, env, state, ports, sock = servers
    servers = listed(env, root)
    assert len(servers) == 4, servers
    by_port = {s["port"]: s for s in servers if "port" in s}
    assert set(by_port) == set(ports.values())
    on_socket = next(s for s in servers if "port" not in s)
    assert on_socket["socket"] == sock and on_socket["auth"] == "socket"
    assert on_socket["url"] == "unix:" + sock
    assert by_port[ports["daemon"]]["auth"] == "token"
    assert by_port[ports["limited"]]["auth"] == "token"
    assert by_port[ports["tls"]]["auth"] == "api-keys"
    assert by_port[ports["tls"]]["tls"] is True
    assert by_port[ports["tls"]]["url"] == "https://127.0.0.1:%d" % ports["tls"]
    for s in servers:
        assert s["root"] == root and s["check"] == "proven" and s["uptime_seconds"] >= 0
        assert "token" not in s and "nonce" not in s
        assert pid_running(s["pid"])
    # The plain list: one line per server, with its pid, URL, mode, root.
    text = lyn(["serve", "--list"], env, root).stdout.splitlines()
    assert len(text) == 4, text
    for s in servers:
        line = next(l for l in text if l.split()[0] == str(s["pid"]))
        assert s["url"] in line and root in line
    assert "api-keys+tls" in next(l for l in text if str(ports["tls"]) in l)

    # Exhaust the rate-limited server's budget (one request a second from
    # this address): `serve --status` is then refused with 429, and must
    # still say running and keep the record. Repeated until the probe was
    # indeed refused (a slow start of the CLI may let a token refill).
    limited = by_port[ports["limited"]]
    deadline = time.time() + 60
    while True:
        for _ in range(5):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/api/health" % ports["limited"],
                                       timeout=10).read()
            except urllib.error.HTTPError as e:
                assert e.code == 429
        st = lyn(["serve", "--status", "--json"], env, root)
        assert st.returncode == 0, st.stdout + st.stderr
        shown = json.loads(st.stdout)
        assert shown["alive"] is True and shown["pid"] == limited["pid"], shown
        if shown["probe_status"] == 429:
            break
        assert time.time() < deadline, "the status probe was never refused"
    assert shown["check"] == "proven"
    assert "server-%d.json" % limited["pid"] in records(state)
    # The list, refused too, still has all four.
    assert len(listed(env, root)) == 4

    # --stop --port: only that server.
    daemon_pid = by_port[ports["daemon"]]["pid"]
    stop = lyn(["serve", "--stop", "--port", str(ports["daemon"])], env, root)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert "pid %d" % daemon_pid in stop.stdout
    wait_for(lambda: not pid_running(daemon_pid), "the daemon to exit")
    left = listed(env, root)
    assert sorted(s.get("port", 0) for s in left) == sorted([0, ports["limited"], ports["tls"]])
    assert "server-%d.json" % daemon_pid not in records(state)
    # --stop --socket: only the one on that socket.
    stop = lyn(["serve", "--stop", "--socket", sock], env, root)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    wait_for(lambda: not pid_running(on_socket["pid"]), "the socket server to exit")
    left = listed(env, root)
    assert sorted(s["port"] for s in left) == sorted([ports["limited"], ports["tls"]])
    # Nothing on that port any more: a second stop says so.
    again = lyn(["serve", "--stop", "--port", str(ports["daemon"])], env, root)
    assert again.returncode == 1 and "not running on port %d" % ports["daemon"] in again.stdout

    # --stop --all: the rest (the rate-limited one refuses the probe, and is
    # stopped all the same: its refusal proved it).
    stop = lyn(["serve", "--stop", "--all"], env, root)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    for s in left:
        wait_for(lambda: not pid_running(s["pid"]), "pid %d to exit" % s["pid"])
    assert records(state) == []
    assert listed(env, root) == []
    st = lyn(["serve", "--status", "--json"], env, root)
    assert st.returncode == 1 and json.loads(st.stdout)["alive"] is False


def test_stop_options_that_do_not_go_together(tmp_dir):
    env = child_env(tmp_dir)
    for args, message in ((["--all"], "--all goes with --stop"),
                          (["--stop", "--all", "--port", "9"], "drop --port"),
                          (["--stop", "--port", "0"], "not 0")):
        r = lyn(["serve", *args], env, tmp_dir)
        assert r.returncode == 2 and message in r.stderr, r.stderr
