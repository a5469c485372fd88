"""The status page (GET /) in headless Chromium (issue 15, point 5), driven over
the DevTools protocol (cdp.py) with deadlines, never fixed sleeps:

 - the figures it shows match what the server reports (/api/status,
   /api/server, /metrics):
   root, address, security mode, sessions with their interfaces, the cache's
   bytes and counters, request counts and the last errors;
 - its own polling moves neither the request counts nor the idle timer (a
   server with an open page still exits when idle);
 - nothing overflows the window from 360 px up, and the charts' labels do
   not overlap (the page reports its layout: body data-scroll-width, the
   canvases' data-labels boxes);
 - against a server that requires a token it shows a login form (not a raw
   401), and the token, once given, is sent as a header and never appears
   in any URL;
 - screenshots at 1280 and 400 px are kept: build/artifacts/status-1280.png
   and status-400.png.

Part of `make test`: Chromium comes from Debian's apt (the Makefile's
TEST_PACKAGES); without it these tests fail, they do not skip."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "wire"))

import cdp  # noqa: E402
from conftest import REPO, Server, fresh_fixtures, temp_dir  # noqa: E402  (tests/wire)

ARTIFACTS = os.path.join(REPO, "build", "artifacts")
POLL = {"X-Lynguine-Poll": "status-page"}  # what the page's own polls carry
TOKEN = "t0k3n-for-the-status-page-test-0123456789"


def get(base, path, headers=None):
    req = urllib.request.Request(base + path, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode()


def post(base, path, body, headers=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def status(base, headers=None, path="/api/status"):
    """/api/status (or /api/server), read as the page reads it (a poll: not counted)."""
    return json.loads(get(base, path, {**POLL, **(headers or {})}))


def request_counts(base, headers=None):
    """{(endpoint, method, status): n} from /metrics, read as a poll."""
    text = get(base, "/metrics", {**POLL, **(headers or {})})
    return {(m.group(1), m.group(2), m.group(3)): int(m.group(4)) for m in re.finditer(
        r'^lynguine_requests_total\{endpoint="([^"]*)",method="([^"]*)",status="(\d+)"\} (\d+)$',
        text, re.M)}


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(cdp.CHROMIUM), (
        "chromium is not installed: `make test` installs it (TEST_PACKAGES); the status page "
        "tests fail rather than skip without it")
    with cdp.Browser() as b:
        yield b


@pytest.fixture
def busy_server():
    root, home = fresh_fixtures()
    s = Server(root, home, extra_args=["--idle-timeout", "600"])
    talk = {"field": "title", "markdown_file": "talks/gp-intro.md", "config_files": ["_lamd.yml"]}
    for _ in range(5):
        post(s.base, "/api/talk/field", talk)
    for _ in range(20):
        get(s.base, "/api/ping")
    post(s.base, "/api/read_data", {"data_source": {"type": "csv", "filename": "data/people.csv"}})
    post(s.base, "/api/sessions", {"interface_file": "_lynguine.yml"})
    # Two failures for "the last errors": a path outside the root, and no such endpoint.
    for path, body in (("/api/read_data", {"data_source": {"type": "csv",
                                                           "filename": "../../etc/passwd"}}),
                       ("/api/no-such-endpoint", {})):
        with pytest.raises(urllib.error.HTTPError):
            post(s.base, path, body)
    yield s
    s.stop()


def loaded(page, polls=1):
    page.wait_for("document.body && +document.body.dataset.polls >= %d" % polls,
                  "the page's poll number %d" % polls)


def text_of(page, element_id):
    return page.js("document.getElementById(%s).textContent" % json.dumps(element_id))


def value_of(page, element_id):
    return page.js("document.getElementById(%s).dataset.value" % json.dumps(element_id))


def test_figures_match_the_server(browser, busy_server):
    base = busy_server.base
    page = browser.open(base + "/", 1280)
    loaded(page)
    st, server = status(base), status(base, path="/api/server")
    counts = request_counts(base)

    assert value_of(page, "version") == st["version"]
    assert value_of(page, "pid") == str(st["pid"])
    assert value_of(page, "root") == busy_server.root == server["serving"]["root"]
    assert value_of(page, "address") == base == server["serving"]["url"]
    assert value_of(page, "security") == server["serving"]["auth"] == "none"
    assert "any local user" in text_of(page, "security")
    assert float(value_of(page, "uptime")) > 0
    assert 0 < float(value_of(page, "idle")) <= 600
    # Sessions, with their interface.
    assert value_of(page, "sessions") == "1"
    assert "_lynguine.yml" in text_of(page, "session-rows")
    # The cache: the figures /api/status and /metrics give (the page's
    # polls touch no file, so they have not moved since it read them).
    cache = server["cache"]
    assert cache["bytes"] > 0 and cache["misses"] > 0
    for key in ("hits", "misses", "bytes", "entries", "budget_bytes"):
        assert value_of(page, "cache-" + key.replace("_bytes", "")) == str(cache[key]), key
    metrics = get(base, "/metrics", POLL)
    for series, key in (("lynguine_cache_hits_total", "hits"), ("lynguine_cache_bytes", "bytes"),
                        ("lynguine_cache_budget_bytes", "budget_bytes")):
        assert float(re.search(r"^%s (\S+)$" % series, metrics, re.M).group(1)) == cache[key]
    assert abs(float(value_of(page, "cache-rate")) - cache["hits"] / (cache["hits"] + cache["misses"])) < 1e-9
    # Requests: /metrics' total, which the page's polls do not add to.
    assert float(value_of(page, "requests")) == sum(counts.values())
    assert float(value_of(page, "errors")) == sum(n for k, n in counts.items() if int(k[2]) >= 400)
    # The last errors, newest first, as /api/server lists them.
    errors = text_of(page, "error-rows")
    assert len(server["recent_errors"]) >= 2
    assert server["recent_errors"][0]["path"] == "/api/no-such-endpoint"
    assert "/api/no-such-endpoint" in errors and "/api/read_data" in errors
    assert "etc/passwd" not in errors  # a request's body is never shown
    # The endpoint table lists the API routes the fixture called.
    endpoints = text_of(page, "endpoints")
    assert "/api/talk/field" in endpoints and "/api/ping" in endpoints


def test_polling_moves_neither_the_request_counts_nor_the_idle_timer(browser, busy_server):
    base = busy_server.base
    before = request_counts(base)
    page = browser.open(base + "/", 1280)
    loaded(page, polls=3)  # every 2 s: a few seconds of polling
    after = request_counts(base)
    # Only the page itself (GET /) was counted; its polls were not.
    grown = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    assert {k: n for k, n in grown.items() if n} == {("/", "GET", "200"): 1}, grown
    # Idle since the page was loaded: the server's last activity is older
    # than the page's first poll, though three polls have come since.
    body = page.js("Object.assign({}, document.body.dataset)")
    assert float(body["lastActiveAt"]) < float(body["firstPollAt"]), body
    server = status(base, path="/api/server")
    assert server["activity"]["last_active_at"] == pytest.approx(float(body["lastActiveAt"]), abs=1e-3)
    assert status(base)["idle_timeout"]["idle_seconds"] >= \
        server["activity"]["now"] - float(body["firstPollAt"])


def overlaps(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("width", [360, 400, 800, 1280])
def test_readable_from_360_px(browser, busy_server, width):
    page = browser.open(busy_server.base + "/", width)
    loaded(page)
    body = page.js("Object.assign({}, document.body.dataset)")
    # Measured by the page itself after rendering its figures.
    assert int(body["clientWidth"]) == width
    assert int(body["scrollWidth"]) <= width, "horizontal overflow at %d px: %s" % (width, body)
    for chart in ("hist", "trend"):
        boxes = json.loads(page.js("document.getElementById('%s').dataset.labels" % chart))
        canvas_width = page.js("document.getElementById('%s').clientWidth" % chart)
        assert boxes, chart
        for i, a in enumerate(boxes):
            assert a[0] >= 0 and a[0] + a[2] <= canvas_width, (chart, width, a)
            for b in boxes[i + 1:]:
                assert not overlaps(a, b), "%s labels overlap at %d px: %s %s" % (chart, width, a, b)


@pytest.mark.parametrize("width,height", [(1280, 900), (400, 900)])
def test_screenshot(browser, busy_server, width, height):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, "status-%d.png" % width)
    if os.path.exists(path):
        os.remove(path)
    page = browser.open(busy_server.base + "/", width, height)
    loaded(page, polls=2)  # two refreshes: the latency-over-time chart has a point
    page.screenshot(path)
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == width
    assert int.from_bytes(head[20:24], "big") >= height
    assert os.path.getsize(path) > 20000  # a rendered page, not a blank one


@pytest.fixture
def token_server():
    root, home = fresh_fixtures()
    token_file = os.path.join(temp_dir(), "token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    s = Server(root, home, extra_args=["--auth-token-file", token_file])
    yield s
    s.stop()


def test_token_login_keeps_the_token_out_of_urls(browser, token_server):
    base = token_server.base
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(base, "/api/status")
    assert refused.value.code == 401  # the API does want the token
    page = browser.open(base + "/", 800)
    # A login form, not the API's 401 JSON.
    page.wait_for("document.body && document.body.dataset.login === '1'", "the login form")
    assert page.js("document.getElementById('login').hidden") is False
    assert page.js("document.getElementById('content').hidden") is True
    shown = page.js("document.body.innerText")
    assert "error_type" not in shown and "Unauthorized" not in shown and "{" not in shown

    # A wrong token is refused, and says so.
    page.js("document.getElementById('token-input').value = 'not-the-token';"
            "document.getElementById('login-form').requestSubmit()")
    page.wait_for("document.getElementById('login-message').textContent.includes('refused')",
                  "the refusal of a wrong token")
    # The right one: the figures come.
    page.js("document.getElementById('token-input').value = %s;"
            "document.getElementById('login-form').requestSubmit()" % json.dumps(TOKEN))
    loaded(page, polls=2)
    assert page.js("document.getElementById('login').hidden") is True
    assert value_of(page, "security") == "token"
    assert value_of(page, "pid") == str(status(base, {"Authorization": "Bearer " + TOKEN})["pid"])
    assert page.js("document.getElementById('token-input').value") == ""
    assert page.js("sessionStorage.getItem('lynguine-token')") == TOKEN

    requests = page.requests()
    assert requests
    for r in requests:
        assert TOKEN not in r["url"], r["url"]
    assert TOKEN not in page.js("location.href")
    # One refusal per attempt without the right token (the test's own, the
    # page's first load, the wrong token), not one per source polled.
    errors = status(base, {"Authorization": "Bearer " + TOKEN}, "/api/server")["recent_errors"]
    assert [e["status"] for e in errors] == [401, 401, 401], errors
    polls = [r for r in requests if r["url"].endswith("/api/status")]
    assert any(r["headers"].get("Authorization") == "Bearer " + TOKEN for r in polls)
    assert all(r["headers"].get("X-Lynguine-Poll") == "status-page" for r in polls)


def test_an_open_page_does_not_keep_an_idle_server_alive(browser):
    root, home = fresh_fixtures()
    s = Server(root, home, extra_args=["--idle-timeout", "4"])
    try:
        page = browser.open(s.base + "/", 800)
        # Kept busy (pings are activity) until the page has polled, however
        # slowly the browser starts on a loaded machine.
        deadline = time.time() + 90
        while not page.js("!!document.body && +document.body.dataset.polls >= 1"):
            assert time.time() < deadline, "the page never polled"
            get(s.base, "/api/ping")
            time.sleep(0.2)
        # Then only the page's polls (every 2 s): the server exits once idle for 4 s.
        try:
            s.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            raise AssertionError("the server outlived its idle timeout while the page polled")
        assert s.proc.returncode == 0
    finally:
        s.stop()
