"""The status page (GET /) rendered by headless Chromium: the figures it
shows must match what the server reports (/api/status, /metrics), and a
screenshot is kept as a test artifact (build/artifacts/status-page.png).
Run with `make test-browser` (installs chromium when missing)."""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "wire"))

from conftest import REPO, Server, fresh_fixtures  # noqa: E402  (tests/wire/conftest.py)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = os.path.join(REPO, "build", "artifacts")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed "
                                "(make test-browser installs it)")


def chromium(url, *extra, budget_ms=3000):
    profile = tempfile.mkdtemp(prefix="lyn-chromium-")
    try:
        r = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + profile, "--virtual-time-budget=%d" % budget_ms, *extra, url],
            capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    return r.stdout.decode("utf-8", errors="replace")


def shown(dom, element_id):
    """(text, data-value) of the element with this id in the dumped DOM."""
    m = re.search(r'<[^>]*\bid="%s"[^>]*>(.*?)</' % re.escape(element_id), dom, re.S)
    assert m, "no #%s in the page" % element_id
    tag = m.group(0)
    v = re.search(r'data-value="([^"]*)"', tag)
    return html.unescape(m.group(1)), (html.unescape(v.group(1)) if v else None)


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return r.read().decode()


def post(base, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def cache_counters(base):
    text = get(base, "/metrics")
    hits = float(re.search(r"^lynguine_cache_hits_total (\S+)$", text, re.M).group(1))
    misses = float(re.search(r"^lynguine_cache_misses_total (\S+)$", text, re.M).group(1))
    return hits, misses


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
    yield s
    s.stop()


def test_status_page_shows_the_servers_figures(busy_server):
    base = busy_server.base
    status = json.loads(get(base, "/api/status"))
    hits, misses = cache_counters(base)
    dom = chromium(base + "/", "--dump-dom")

    assert 'data-loaded="1"' in dom, dom[:3000]
    assert shown(dom, "version") == (status["version"], status["version"])
    assert shown(dom, "pid")[1] == str(status["pid"])
    assert float(shown(dom, "uptime")[1]) > 0
    # The idle countdown comes from /api/status's idle_timeout.
    remaining = float(shown(dom, "idle")[1])
    assert 0 < remaining <= 600
    assert shown(dom, "sessions")[1] == "1"
    # The page's own polling does not touch the file cache.
    assert (hits, misses) == cache_counters(base)
    assert float(shown(dom, "cache-hits")[1]) == hits
    assert float(shown(dom, "cache-misses")[1]) == misses
    assert abs(float(shown(dom, "cache-rate")[1]) - hits / (hits + misses)) < 1e-9
    assert float(shown(dom, "requests")[1]) >= 27
    # The endpoint table lists the API routes the fixture called.
    assert "/api/talk/field" in dom and "/api/ping" in dom


def test_status_page_screenshot(busy_server):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, "status-page.png")
    if os.path.exists(path):
        os.remove(path)
    # A longer budget: a few refreshes, so the latency-over-time chart has points.
    chromium(busy_server.base + "/", "--screenshot=" + path, "--window-size=1200,800",
             "--hide-scrollbars", budget_ms=9000)
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert (width, height) == (1200, 800)
    assert os.path.getsize(path) > 20000  # a rendered page, not a blank one
