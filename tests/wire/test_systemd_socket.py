"""Socket activation (systemd's sd_listen_fds protocol, as lynguine.socket
uses it): the server is started with an already-listening socket as fd 3,
LISTEN_FDS=1 and LISTEN_PID=<its pid>, and must serve on that socket instead
of binding --host/--port. Like systemd, the test keeps its own copy of the
socket open, so a second server started on it (after the first exited, as
after an idle timeout) answers too."""
import importlib.util
import json
import os
import socket
import subprocess
import time
import urllib.request

# tests/wire/conftest.py by path: under `pytest tests/wire python/tests` the
# name `conftest` may be python/tests/conftest.py instead.
_spec = importlib.util.spec_from_file_location(
    "lyn_wire_conftest", os.path.join(os.path.dirname(os.path.abspath(__file__)), "conftest.py"))
_wire = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_wire)
BINARY = _wire.BINARY
child_env = _wire.child_env
free_port = _wire.free_port
fresh_fixtures = _wire.fresh_fixtures

# LISTEN_PID must be the server's own pid, known only after fork: a shell
# sets it to its own pid ($$) and exec's the binary, which keeps that pid.
WRAPPER = 'LISTEN_PID=$$; LISTEN_FDS=1; export LISTEN_PID LISTEN_FDS; exec "$0" "$@"'


def listening_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def start_activated(sock, root, env, args=()):
    fd = sock.fileno()

    def as_fd3():  # in the child, before exec: the socket becomes fd 3
        if fd != 3:
            os.dup2(fd, 3)
        os.set_inheritable(3, True)

    return subprocess.Popen(
        ["/bin/sh", "-c", WRAPPER, BINARY, "serve", "--root", root, "--auth", "none", *args],
        cwd=root, env=env, pass_fds=(3, fd) if fd != 3 else (3,), preexec_fn=as_fd3,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def post(url, body, timeout=5):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serves_on_inherited_socket():
    root, home = fresh_fixtures()
    env = child_env(home)
    sock = listening_socket()
    port = sock.getsockname()[1]
    other_port = free_port()  # given as --port; must stay unused
    base = "http://127.0.0.1:%d" % port
    try:
        for round_ in range(2):  # the second round: "restarted after idle exit"
            proc = start_activated(sock, root, env, ["--port", str(other_port)])
            try:
                # The socket already listens: the first request just waits in
                # the backlog until the server accepts it, as with systemd.
                status, body = get(base + "/api/ping", timeout=10)
                assert (status, body) == (200, {"status": "ok", "message": "pong"})
                status, body = post(base + "/api/talk/field",
                                    {"field": "title", "markdown_file": "talks/gp-intro.md"})
                assert status == 200 and body["status"] == "success", body
                # The state file records the socket's address, not --port.
                st = subprocess.run([BINARY, "serve", "--status"], env=env,
                                    capture_output=True, timeout=20)
                assert st.returncode == 0, st.stdout + st.stderr
                state = json.loads(st.stdout)
                assert state["port"] == port and state["host"] == "127.0.0.1"
                assert state["pid"] == proc.pid
                with socket.socket() as probe:
                    assert probe.connect_ex(("127.0.0.1", other_port)) != 0, \
                        "--port was bound although a socket was handed over"
            finally:
                stop(proc)
            assert proc.returncode == 0, proc.stderr.read().decode()
    finally:
        sock.close()


def test_listen_pid_of_another_process_is_ignored():
    """LISTEN_FDS meant for another process (LISTEN_PID differs) must not make
    the server take fd 3: it binds --port as usual."""
    root, home = fresh_fixtures()
    env = child_env(home)
    env["LISTEN_FDS"] = "1"
    env["LISTEN_PID"] = "1"
    port = free_port()
    proc = subprocess.Popen([BINARY, "serve", "--root", root, "--port", str(port), "--quiet",
                             "--auth", "none"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while True:
            try:
                assert get("http://127.0.0.1:%d/api/ping" % port, timeout=1)[0] == 200
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
    finally:
        stop(proc)
