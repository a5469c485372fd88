"""The server's observability surface: GET /api/openapi.json (checked against
the router both ways), GET /metrics (Prometheus text), GET / (the status
page), the access log (--log-format/--log-level/--log-file) and
`lynguine completion bash`."""
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, REPO, Server, fresh_fixtures, run_cli, temp_dir

# A body each documented POST route accepts in the conformance fixtures.
BODIES = {
    "/api/ping": {},
    "/api/talk/field": {"field": "title", "markdown_file": "talks/gp-intro.md",
                        "config_files": ["_lamd.yml"]},
    "/api/interface/read": {"interface_file": "_lynguine.yml", "field": "title"},
    "/api/read_data": {"data_source": {"type": "csv", "filename": "data/people.csv"}},
    "/api/write_data": {"data": {"records": [{"a": 1}, {"a": 2}]},
                        "output": {"type": "csv", "filename": "obs-out.csv"}},
    "/api/compute": {"operation": "today"},
    "/api/sessions": {"interface_file": "_lynguine.yml"},
    "/api/sessions/{id}/{operation}": {},
    # Ours: lamd's tools, run in the fixture root.
    "/api/lamd/mdfield": {"fields": ["title"], "filename": "talks/gp-intro.md"},
    "/api/lamd/flags": {"output": "prefix", "base": "talks/gp-intro"},
    "/api/lamd/dependencies": {"type": "inputs", "filename": "gp-intro.md",
                               "working_directory": "talks"},
    "/api/lamd/resolve-diagrams-dir": {},
}


def request(base, method, path, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get_json(base, path):
    status, _, body = request(base, "GET", path)
    assert status == 200, (path, body[:300])
    return json.loads(body)


def parse_metrics(text):
    """{(name, frozenset(labels)): value} from the Prometheus text format."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$', line)
        assert m, "not an exposition line: %r" % line
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def metric(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


@pytest.fixture
def server():
    root, home = fresh_fixtures()
    s = Server(root, home)
    yield s
    s.stop()


def routed_endpoints(base):
    """(METHOD, path) for every route the router serves: /api/status's
    endpoint list plus the server's own pages."""
    routes = set()
    for e in get_json(base, "/api/status")["endpoints"]:
        method, path = e.split()
        routes.add((method, path))
    routes |= {("GET", "/"), ("GET", "/metrics"), ("GET", "/api/openapi.json")}
    return routes


def test_every_routed_endpoint_is_documented(server):
    doc = get_json(server.base, "/api/openapi.json")
    assert doc["openapi"].startswith("3.0")
    assert doc["info"]["version"] == get_json(server.base, "/api/health")["version"]
    for method, path in routed_endpoints(server.base):
        assert path in doc["paths"], path
        assert method.lower() in doc["paths"][path], (method, path)
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "error_type", "error_message"}


def test_every_documented_route_answers(server):
    doc = get_json(server.base, "/api/openapi.json")
    status, _, body = request(server.base, "POST", "/api/sessions", BODIES["/api/sessions"])
    assert status == 200, body
    sid = json.loads(body)["session"]["session_id"]
    calls = []
    for path, item in doc["paths"].items():
        for method in ("get", "post", "delete"):
            if method in item:
                calls.append((method.upper(), path))
    # Deleting the session comes last: the other session routes need it.
    calls.sort(key=lambda c: c[0] == "DELETE")
    assert len(calls) >= 17
    for method, path in calls:
        concrete = path.replace("{id}", sid).replace("{operation}", "get_shape")
        body = BODIES.get(path, {}) if method == "POST" else None
        status, headers, text = request(server.base, method, concrete, body)
        assert status not in (404, 405), (method, path, status, text[:300])
        assert status == 200, (method, path, status, text[:300])
        documented = doc["paths"][path][method.lower()]["responses"]["200"]
        if "$ref" in documented:
            name = documented["$ref"].rsplit("/", 1)[1]
            documented = doc["components"]["responses"][name]
        ctype = next(iter(documented["content"]))
        assert headers["Content-Type"].split(";")[0] == ctype.split(";")[0], (path, ctype)
    # Methods not documented for a path are refused with lynguine's JSON 405.
    for path in ("/metrics", "/", "/api/openapi.json", "/api/read_data"):
        status, _, text = request(server.base, "PUT", path, {})
        assert status == 405, path
        assert json.loads(text)["status"] == "error"


def test_metrics_exposition(server):
    base = server.base
    for _ in range(3):
        request(base, "GET", "/api/ping")
    request(base, "GET", "/api/ping?verbose=1")
    request(base, "POST", "/api/nothing", {})
    talk = BODIES["/api/talk/field"]
    for _ in range(3):
        assert request(base, "POST", "/api/talk/field", talk)[0] == 200
    _, _, body = request(base, "POST", "/api/sessions", BODIES["/api/sessions"])
    sid = json.loads(body)["session"]["session_id"]
    request(base, "GET", "/api/sessions/%s/get_shape" % sid)
    request(base, "GET", "/api/sessions/%s" % sid)

    status, headers, text = request(base, "GET", "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = text.decode()
    s = parse_metrics(text)
    assert metric(s, "lynguine_requests_total", endpoint="/api/ping", method="GET", status="200") == 4
    assert metric(s, "lynguine_requests_total", endpoint="other", method="POST", status="404") == 1
    assert metric(s, "lynguine_requests_total", endpoint="/api/talk/field", method="POST",
                  status="200") == 3
    # Session ids never become labels.
    assert sid not in text
    assert metric(s, "lynguine_requests_total", endpoint="/api/sessions/{id}/get_shape",
                  method="GET", status="200") == 1
    assert metric(s, "lynguine_requests_total", endpoint="/api/sessions/{id}", method="GET",
                  status="200") == 1
    # Histogram: cumulative, ending in +Inf == _count, sub-millisecond buckets.
    buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in s.items()
                      if k[0] == "lynguine_request_duration_seconds_bucket"
                      and dict(k[1])["endpoint"] == "/api/ping"), key=lambda b: b[0])
    assert buckets[0][0] <= 0.0001
    counts = [v for _, v in buckets]
    assert counts == sorted(counts) and counts[-1] == 4
    assert metric(s, "lynguine_request_duration_seconds_count", endpoint="/api/ping") == 4
    assert metric(s, "lynguine_request_duration_seconds_sum", endpoint="/api/ping") > 0
    # The talk was parsed once and then served from the cache.
    assert metric(s, "lynguine_cache_hits_total") >= 2
    assert metric(s, "lynguine_cache_misses_total") >= 1
    assert metric(s, "lynguine_sessions") == 1
    assert metric(s, "process_resident_memory_bytes") > 1e6
    start = metric(s, "process_start_time_seconds")
    assert abs(start - time.time()) < 120
    assert metric(s, "lynguine_uptime_seconds") > 0
    for name in ("lynguine_requests_total", "lynguine_request_duration_seconds"):
        assert "# TYPE %s " % name in text


def test_status_page_is_served(server):
    status, headers, body = request(server.base, "GET", "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert page.startswith("<!DOCTYPE html>") and "<canvas" in page and "/metrics" in page
    # A query string does not change the answer.
    assert request(server.base, "GET", "/?refresh=1")[2] == body


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_access_log(fmt):
    root, home = fresh_fixtures()
    log = os.path.join(temp_dir(prefix="lyn-log-"), "access.log")
    s = Server(root, home, extra_args=["--log-format", fmt, "--log-level", "info",
                                       "--log-file", log])
    try:
        request(s.base, "GET", "/api/ping")
        request(s.base, "POST", "/api/nothing", {})
        request(s.base, "GET", "/api/sessions/abc/get_shape")
    finally:
        s.stop()
    with open(log, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if fmt == "json":
        records = [json.loads(line) for line in lines]
        access = [r for r in records if r["msg"] == "request"]
        assert any(r["msg"] == "serving" and r["port"] == s.port for r in records)
        # The readiness probe (GET /api/health) is logged too.
        ping = [r for r in access if r["path"] == "/api/ping"]
        assert len(ping) == 1
        r = ping[0]
        assert r["level"] == "info" and r["method"] == "GET" and r["status"] == 200
        assert r["bytes"] == len(b'{"status":"ok","message":"pong"}') or r["bytes"] > 0
        assert r["duration_ms"] >= 0 and r["remote"].startswith("127.0.0.1:")
        assert [a["status"] for a in access if a["path"] == "/api/nothing"] == [404]
    else:
        access = [line for line in lines if " INFO request " in line]
        assert any("method=GET path=/api/ping status=200 " in line for line in access)
        assert any("path=/api/nothing status=404 " in line for line in access)
        assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", line) for line in lines)


def test_quiet_server_does_not_log_requests():
    root, home = fresh_fixtures()
    s = Server(root, home)  # --quiet: warning and above only
    request(s.base, "GET", "/api/ping")
    s.stop()
    assert b"/api/ping" not in s.proc.stderr.read()


def test_bad_log_options_are_usage_errors():
    root, home = fresh_fixtures()
    r = run_cli(["serve", "--port", "0", "--log-level", "loud"], root, home)
    assert r.returncode == 2
    r = run_cli(["serve", "--port", "0", "--log-format", "xml"], root, home)
    assert r.returncode == 2
    r = run_cli(["serve", "--port", "0", "--log-file", "/nonexistent/dir/x.log"], root, home)
    assert r.returncode == 1 and b"cannot open log file" in r.stderr


def test_completion_script():
    root, home = fresh_fixtures()
    r = run_cli(["completion", "bash"], root, home)
    assert r.returncode == 0
    with open(os.path.join(REPO, "packaging", "lynguine.bash-completion"), "rb") as f:
        assert r.stdout == f.read()
    assert run_cli(["completion", "zsh"], root, home).returncode == 2
    script = r.stdout.decode() + r"""
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _lynguine; echo "${COMPREPLY[*]}"; }
complete_words lynguine se
complete_words lynguine serve --log-f
complete_words lynguine serve --log-format ""
complete_words lynguine call G
"""
    out = subprocess.run(["bash", "-c", script], capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines == ["serve", "--log-format --log-file", "text json", "GET"]


def cache_figures(base):
    s = parse_metrics(request(base, "GET", "/metrics")[2].decode())
    return (metric(s, "lynguine_cache_budget_bytes"), metric(s, "lynguine_cache_hits_total") or 0,
            metric(s, "lynguine_cache_misses_total") or 0)


@pytest.mark.parametrize("budget,hits", [(None, True), (5000000, True), (0, False), (200, False)])
def test_cache_bytes_bounds_the_parsed_file_cache(budget, hits):
    """`serve --cache-bytes N` is the parsed-file cache's budget: its gauge
    says so, and a budget too small for the talk (0: cache nothing) turns
    every look-up into a read of the file."""
    root, home = fresh_fixtures()
    args = () if budget is None else ("--cache-bytes", str(budget))
    s = Server(root, home, args)
    try:
        talk = BODIES["/api/talk/field"]
        for _ in range(3):
            status, _, body = request(s.base, "POST", "/api/talk/field", talk)
            assert status == 200, body
        got_budget, got_hits, got_misses = cache_figures(s.base)
        assert got_budget == (256 << 20 if budget is None else budget)
        if hits:
            assert got_hits >= 2 and got_misses >= 1
        else:
            assert got_hits == 0 and got_misses >= 3
    finally:
        s.stop()


def test_cache_bytes_wants_a_whole_number():
    home = temp_dir()
    for bad in ("-1", "lots", "1.5"):
        r = run_cli(["serve", "--cache-bytes", bad, "--port", "0"], home, home)
        assert r.returncode == 2, (bad, r.returncode, r.stderr)
        assert b"--cache-bytes" in r.stderr, r.stderr
