"""The two sides the differential tester drives, behind one interface:
answer(request) -> dict, where request is an oracle.py request
({"op": "http"|"liquid"|"mdfield"|"reset", ...}).

- Reference: oracle.py in a worker process (py-lynguine), restarted after a
  crash or a timeout.
- Ours: one long-running `lynguine serve` in the same root (HTTP/1.1
  keep-alive), Liquid through POST /api/compute, mdfield through the binary
  (`lynguine mdfield ...`, direct mode).
Both sides share one root directory, so they read the same files."""
import http.client
import json
import os
import select
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ORACLE_PY = os.environ.get("LYNGUINE_ORACLE_PY", "/tmp/lynguine-oracle/bin/py-lynguine")
BINARY = os.environ.get("LYNGUINE_BIN", os.path.join(REPO, "build", "bin", "lynguine"))


class Timeout(Exception):
    pass


def child_env(home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LYNGUINE_") and k != "LAMD_CONFORMANCE_UNSET"}
    env["HOME"] = home
    env["LYNGUINE_STATE_DIR"] = os.path.join(home, ".lynguine-state")
    env["TZ"] = "UTC"
    # lynguine writes a directory reader's sourceRoot with ${TMPDIR}, ${TMP}
    # or ${TEMP} in place of the root when it lies below one of them: keep
    # the root outside.
    for k in ("TMP", "TEMP"):
        env.pop(k, None)
    # (a plain text replacement: it must not even be a substring of the root)
    env["TMPDIR"] = os.path.join(home, "tmp")
    os.makedirs(env["TMPDIR"], exist_ok=True)
    return env


class Reference:
    def __init__(self, root, home, timeout=20):
        self.root, self.home, self.timeout = root, home, timeout
        self.proc = None
        self.start()

    def start(self):
        self.stop()
        self.proc = subprocess.Popen(
            ["nice", "-n", "10", ORACLE_PY, os.path.join(HERE, "oracle.py"), self.root],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=self.root, env=child_env(self.home), text=True, bufsize=1)
        ready = self._read(120)
        if not ready.get("ready"):
            raise RuntimeError("oracle worker did not start")

    def _read(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            raise Timeout()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("oracle worker died")
        return json.loads(line)

    def answer(self, req):
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
            return self._read(self.timeout)
        except (Timeout, RuntimeError, BrokenPipeError):
            self.start()
            return {"timeout": True}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ours:
    def __init__(self, root, home, timeout=20):
        self.root, self.home, self.timeout = root, home, timeout
        self.proc = None
        self.conn = None
        self.start()

    def start(self):
        self.stop()
        self.port = free_port()
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--root", self.root, "--quiet",
             # lynguine's clients send no token; the tester is one of them.
             "--auth", "none"],
            cwd=self.root, env=child_env(self.home),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if self._http("GET", "/api/health", None)["status"] == 200:
                    return
            except OSError:
                self.conn = None
                time.sleep(0.05)
        raise RuntimeError("our server did not start")

    def _http(self, method, path, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        raw = None if body is None else (body if isinstance(body, str) else json.dumps(body))
        headers = {"Content-Type": "application/json"}
        try:
            self.conn.request(method, path, body=raw, headers=headers)
            r = self.conn.getresponse()
            text = r.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        return {"status": r.status, "text": text}

    def answer(self, req):
        op = req["op"]
        try:
            if op == "http":
                return self._http(req["method"], req["path"], req.get("body"))
            if op == "liquid":
                got = self._http("POST", "/api/compute", {
                    "operation": "render_liquid",
                    "params": {"template": req["template"], "context": req.get("context", {})}})
                body = json.loads(got["text"])
                if got["status"] == 200 and body.get("status") == "success":
                    return {"output": body.get("result")}
                return {"error_type": body.get("error_type"),
                        "error_message": body.get("error_message")}
            if op == "mdfield":
                p = subprocess.run([BINARY, "mdfield", *req["args"]], cwd=self.root,
                                   env=child_env(self.home), capture_output=True,
                                   timeout=self.timeout)
                return {"stdout": p.stdout.decode("utf-8", "replace"), "rc": p.returncode}
            if op == "reset":
                self.start()
                return {}
        except (OSError, http.client.HTTPException, subprocess.TimeoutExpired, ValueError):
            alive = self.proc.poll() is None
            self.start()
            return {"timeout": True, "crashed": not alive}
        raise ValueError("unknown op " + op)

    def stop(self):
        if self.conn:
            self.conn.close()
            self.conn = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
