"""HTTP semantics a correct server has (issue 15, point 4): 404 for a path
that does not exist (lynguine's 405 kept under /api, where its recorded
cases need it), an Allow header on every 405, HEAD wherever GET answers,
the server's own origin accepted by the Origin guard, and an OpenAPI
document that names the server as the request reached it, its security
schemes and the guard's 401 and 429 answers.

Every answer checked here carries X-Lynguine-Pid equal to the server's pid:
the server answered, not something else on the port."""
import http.client
import json

import pytest

from conftest import Server, fresh_fixtures


@pytest.fixture(scope="module")
def served(module_server):
    return module_server


def request(server, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        assert r.getheader("X-Lynguine-Pid") == str(server.proc.pid)
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


@pytest.mark.parametrize("method,path", [
    ("GET", "/nothing"), ("GET", "/favicon.ico"), ("DELETE", "/nothing/at/all"),
    ("PUT", "/index.html"), ("POST", "/nothing"), ("GET", "/apiary"),
])
def test_unknown_path_outside_api_is_404(served, method, path):
    status, _, body = request(served, method, path)
    assert status == 404, (method, path, body)
    assert json.loads(body)["status"] == "error"


@pytest.mark.parametrize("method,path,allow", [
    # Unknown under /api: lynguine's 405 (tests/conformance routing/*), and
    # an empty Allow: no method is allowed on a resource that does not exist.
    ("GET", "/api/nothing", ""),
    ("GET", "/api/health/", ""),
    ("PUT", "/api/nothing", ""),
    # Known paths, wrong method: the methods the route answers.
    ("DELETE", "/api/ping", "GET, HEAD, POST"),
    ("GET", "/api/read_data", "POST"),
    ("PUT", "/api/read_data", "POST"),
    ("PATCH", "/api/sessions", "POST, GET, HEAD"),
    ("POST", "/metrics", "GET, HEAD"),
    ("DELETE", "/", "GET, HEAD"),
])
def test_every_405_says_what_is_allowed(served, method, path, allow):
    status, headers, body = request(served, method, path)
    assert status == 405, (method, path, body)
    assert "allow" in headers, (method, path)
    assert headers["allow"] == allow


@pytest.mark.parametrize("path", ["/api/health", "/api/ping", "/api/status", "/metrics", "/",
                                  "/api/openapi.json", "/api/sessions"])
def test_head_wherever_get_works(served, path):
    gs, gh, gbody = request(served, "GET", path)
    hs, hh, hbody = request(served, "HEAD", path)
    assert gs == 200 and hs == 200, path
    assert hbody == b""
    assert hh["content-type"] == gh["content-type"]
    # The length of what GET would send (the status page and health are
    # fixed; the others' lengths may move between the two requests).
    if path in ("/", "/api/health"):
        assert int(hh["content-length"]) == len(gbody)
    else:
        assert int(hh["content-length"]) > 0


def test_head_where_get_does_not_work(served):
    status, headers, body = request(served, "HEAD", "/api/read_data")
    assert status == 405 and headers["allow"] == "POST" and body == b""


def test_own_origin_accepted_foreign_refused(served):
    host = "127.0.0.1:%d" % served.port
    for origin in ("http://" + host, "http://" + host + "/"):
        status, _, body = request(served, "POST", "/api/ping",
                                  {"Host": host, "Origin": origin,
                                   "Content-Type": "application/json"}, b"{}")
        assert status == 200, (origin, body)
    for origin in ("http://127.0.0.1:%d" % (served.port + 1), "http://evil.example",
                   "http://localhost:%d" % served.port):
        status, _, body = request(served, "GET", "/api/ping", {"Host": host, "Origin": origin})
        assert status == 403, origin
        assert json.loads(body)["error_type"] == "OriginNotAllowed"


def openapi(server, host=None):
    status, _, body = request(server, "GET", "/api/openapi.json",
                              {"Host": host} if host else None)
    assert status == 200
    return json.loads(body)


def test_openapi_servers_follow_the_host(served):
    assert openapi(served)["servers"][0]["url"] == "http://127.0.0.1:%d" % served.port
    assert openapi(served, "localhost:%d" % served.port)["servers"][0]["url"] == \
        "http://localhost:%d" % served.port
    assert openapi(served, "[::1]:%d" % served.port)["servers"][0]["url"] == \
        "http://[::1]:%d" % served.port


def test_openapi_documents_security_and_guard_answers(served):
    doc = openapi(served)
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer",
                                     "description": schemes["bearerAuth"]["description"]}
    assert schemes["apiKeyHeader"]["in"] == "header"
    assert schemes["apiKeyHeader"]["name"] == "X-API-Key"
    # No token on this server: credentials are not required by default.
    assert "security" not in doc
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            responses = op["responses"]
            assert "429" in responses, (method, path)
            # The public routes: the liveness probe and the status page (which
            # asks for the token itself, in a form).
            if (method, path) in (("get", "/api/health"), ("get", "/")):
                assert "401" not in responses and op["security"] == []
            else:
                assert "401" in responses, (method, path)
    for name in ("Unauthorized", "TooManyRequests"):
        assert name in doc["components"]["responses"]


def test_openapi_requires_credentials_when_the_server_does(tmp_dir):
    import os
    root, home = fresh_fixtures()
    token_file = os.path.join(tmp_dir, "token")
    with open(token_file, "w") as f:
        f.write("s3cret-token-for-the-test\n")
    s = Server(root, home, ["--auth-token-file", token_file])
    try:
        status, _, _ = request(s, "GET", "/api/openapi.json")
        assert status == 401
        status, _, body = request(s, "GET", "/api/openapi.json",
                                  {"Authorization": "Bearer s3cret-token-for-the-test"})
        assert status == 200
        doc = json.loads(body)
        assert doc["security"] == [{"bearerAuth": []}, {"apiKeyHeader": []}]
    finally:
        s.stop()


def test_openapi_requires_credentials_by_default_on_tcp_not_on_the_socket():
    """A TCP server without keys requires its recorded token unless started
    with --auth none, and its OpenAPI document says so; the per-user Unix
    socket's server requires none (the kernel checked the caller)."""
    import glob
    import os
    import socket
    import subprocess
    import time

    from conftest import BINARY, child_env

    root, home = fresh_fixtures()
    env = child_env(home)
    sock = os.path.join(home, "api.sock")
    procs = [subprocess.Popen([BINARY, "serve", "--port", "0", "--root", root, "--quiet"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
             subprocess.Popen([BINARY, "serve", "--socket", sock, "--root", root, "--quiet"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        records = []
        deadline = time.time() + 30
        while len(records) < 2 and time.time() < deadline:
            records = [json.load(open(p)) for p in
                       glob.glob(os.path.join(env["LYNGUINE_STATE_DIR"], "server-*.json"))]
            time.sleep(0.05)
        [tcp] = [r for r in records if r.get("port")]
        [unix] = [r for r in records if r.get("socket")]
        assert tcp["auth"] == "token" and tcp["token"] and unix["auth"] == "socket"

        conn = http.client.HTTPConnection("127.0.0.1", tcp["port"], timeout=30)
        conn.request("GET", "/api/openapi.json")
        r = conn.getresponse()
        r.read()
        assert r.status == 401 and r.getheader("X-Lynguine-Pid") == str(tcp["pid"])
        conn.request("GET", "/api/openapi.json",
                     headers={"Authorization": "Bearer " + tcp["token"]})
        r = conn.getresponse()
        assert r.status == 200
        assert json.loads(r.read())["security"] == [{"bearerAuth": []}, {"apiKeyHeader": []}]
        conn.close()

        over_socket = http.client.HTTPConnection("localhost", timeout=30)
        over_socket.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        over_socket.sock.connect(sock)
        over_socket.request("GET", "/api/openapi.json")
        r = over_socket.getresponse()
        body = r.read()
        over_socket.close()
        assert r.status == 200 and r.getheader("X-Lynguine-Pid") == str(unix["pid"])
        assert "security" not in json.loads(body)
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=60)
