"""Replays the recordings of lamd's own tools (tests/lamd/recordings.json,
made by tests/lamd/record.py from lamd 0.1.3 on lynguine 0.1.2) against this
binary invoked as `mdfield`, `flags`, `dependencies` and
`lamd-resolve-diagrams-dir`, in a fresh copy of the fixture home.

Every case runs twice: directly, and through a server of ours
(LYNGUINE_USE_SERVER=1 with LYNGUINE_NO_FALLBACK=1, so no direct-mode
fall-back can answer), whose /metrics counters must show that it answered
the case's request (POST /api/lamd/TOOL, or /api/talk/field for mdfield's
own --use-server / LAMD_USE_SERVER path).

stdout and the exit code must be byte-identical. stderr must carry the same
diagnostics (see diagnostics()): argparse's usage and error lines and lamd's
own messages exactly, each Python UserWarning's message, and the last line(s)
of a traceback (the exception Python ended with). Frames, Python source
paths and the source line Python prints under a warning are not compared:
a native binary has none.

Every case must match, YAML's error wording, `!!binary` values,
non-string keys and TOML (+++) headers included.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, REPO, Server, child_env

DATA = os.path.join(REPO, "tests", "lamd")
RECORDINGS = json.load(open(os.path.join(DATA, "recordings.json")))
CASES = RECORDINGS["cases"]

# Python's UserWarning line, as `path:line: UserWarning: msg` or ours
# `prog: UserWarning: msg`.
WARNING = re.compile(r"^.*?: (\w*Warning: .*)$")

def diagnostics(text):
    """The diagnostics in a stderr text: ('text', line), ('warning',
    'UserWarning: msg') and, last, ('exception', text) for the exception a
    traceback ended with (chained tracebacks: the last one)."""
    out, exception = [], None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == "Traceback (most recent call last):":
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                i += 1
            exc = []
            while i < len(lines) and lines[i] != "":
                exc.append(lines[i])
                i += 1
            exception = "\n".join(exc)
            continue
        if line.startswith("During handling of the above exception") or \
                line.startswith("The above exception was the direct cause") or line == "":
            i += 1
            continue
        m = WARNING.match(line)
        if m and not line.startswith(" "):
            out.append(("warning", m.group(1)))
            i += 1
            # Python prints the warning's source line under it.
            if i < len(lines) and lines[i].startswith("  "):
                i += 1
            continue
        # Our exception line has no traceback above it: a last line
        # `Type: message` (or a bare exception class) is the exception.
        out.append(("text", line))
        i += 1
    if exception is not None:
        out.append(("exception", exception))
    return out


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt)(: |$)")


def our_diagnostics(text, python):
    """Ours: no traceback header. When Python's ends with an exception, ours
    is the last `Class: message` line and what follows it."""
    d = diagnostics(text)
    if python and python[-1][0] == "exception":
        starts = [i for i, (kind, t) in enumerate(d) if kind == "text" and EXCEPTION_LINE.match(t)]
        if starts:
            i = starts[-1]
            return d[:i] + [("exception", "\n".join(t for _, t in d[i:]))]
    return d


@pytest.fixture(scope="module")
def home():
    base = os.path.realpath(tempfile.mkdtemp(prefix="lyn-lamd-"))
    h = os.path.join(base, "home")
    shutil.copytree(os.path.join(DATA, "fixtures", "home"), h, symlinks=True)
    includes = os.path.join(base, "lamd-includes")
    os.mkdir(includes)
    for name in RECORDINGS["lamd_includes"]:
        open(os.path.join(includes, name), "w").close()
    links = os.path.join(base, "bin")
    os.mkdir(links)
    for tool in ("mdfield", "flags", "dependencies", "lamd-resolve-diagrams-dir"):
        os.symlink(BINARY, os.path.join(links, tool))
    yield os.path.realpath(h), os.path.realpath(includes), links
    # lamd's `mdfield --use-server` starts a server on demand when none
    # answers (as lamd's does): stop the one a direct-mode case started.
    subprocess.run([BINARY, "serve", "--stop"], env=dict(os.environ, HOME=h,
                   LYNGUINE_STATE_DIR=state_dir(h)), capture_output=True, timeout=60)
    shutil.rmtree(base, ignore_errors=True)


def state_dir(h):
    """The clients' state directory (where a started server is recorded)."""
    return os.path.join(os.path.dirname(h), "client-state")


class TokenServer(Server):
    """Our server as a user's tools find it (identity's way): `serve --daemon
    --port 0` with the default authentication, a random token recorded in
    the private state directory, which our client reads and sends. Nothing
    answers without it (checked here), so a tool run that succeeds was
    answered with the token."""

    def __init__(self, root, home, state):
        self.root, self.home, self.state = root, home, state
        self.env = child_env(home, state_dir=state)
        r = subprocess.run([BINARY, "serve", "--daemon", "--port", "0", "--root", root],
                           env=self.env, cwd=root, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        self.port = int(r.stdout.strip().rsplit(":", 1)[1])
        self.base = "http://127.0.0.1:%d" % self.port
        [record] = glob.glob(os.path.join(state, "server-*.json"))
        token = json.load(open(record))["token"]
        assert token
        self.headers = {"Authorization": "Bearer " + token}
        try:
            urllib.request.urlopen(self.base + "/metrics", timeout=30)
            raise AssertionError("the server answered without its token")
        except urllib.error.HTTPError as e:
            assert e.code == 401, e.code

    def stop(self):
        subprocess.run([BINARY, "serve", "--stop"], env=self.env, cwd=self.root,
                       capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def server(home):
    """Our server, rooted at the directory holding the fixture home and the
    lamd includes (the files the tools look at), with that HOME."""
    h = home[0]
    s = TokenServer(os.path.dirname(h), h, os.path.join(os.path.dirname(h), "server-state"))
    yield s
    s.stop()


# Talks whose _lynguine.yml fails lynguine's import: the tools stop there,
# before they parse their arguments, so the client never asks the server.
IMPORT_FAILS = ("/_lynguine-bad/", "/_lynguine-bib/", "/_lynguine-tex/", "/_lynguine-empty/")


def served_endpoint(case):
    """The endpoint the client must ask in server mode, or None when the run
    ends before (argparse's usage, help and errors; a failing import)."""
    if "usage:" in case["stdout"][:7] or "usage:" in case["stderr"] or \
            any(t in case["name"] for t in IMPORT_FAILS):
        return None
    tool = case["tool"]

    def given(option):  # argparse takes any unambiguous prefix of an option
        return any(len(a) > 2 and option.startswith(a) for a in case["args"])
    if tool == "mdfield" and (case["env"].get("LAMD_USE_SERVER") == "1" or given("--use-server")) \
            and not given("--no-server"):
        return "/api/talk/field"
    return "/api/lamd/" + ("resolve-diagrams-dir" if tool == "lamd-resolve-diagrams-dir" else tool)


def run(case, home, server=None):
    h, includes, links = home
    env = {"HOME": h, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "LAMD_INCLUDESDIR": includes, "LYNGUINE_STATE_DIR": state_dir(h)}
    if server is not None:
        env.update({"LYNGUINE_USE_SERVER": "1", "LYNGUINE_NO_FALLBACK": "1",
                    "LYNGUINE_SERVER_PORT": str(server.port),
                    "LYNGUINE_STATE_DIR": server.state})
    for k, v in case["env"].items():
        env[k] = v.replace("{HOME}", h)
    cwd = os.path.join(h, case["cwd"]) if case["cwd"] else h
    args = [a.replace("{HOME}", h) for a in case["args"]]
    p = subprocess.run([os.path.join(links, case["tool"])] + args, cwd=cwd, env=env,
                       capture_output=True, timeout=60)

    def norm(b):
        return b.decode("utf-8", "surrogateescape").replace(includes, "{LAMD_INCLUDES}").replace(
            h, "{HOME}")

    return norm(p.stdout), norm(p.stderr), p.returncode


def check(case, home, server=None):
    endpoint = served_endpoint(case) if server is not None else None
    before = server.requests(endpoint) if endpoint else 0
    out, err, rc = run(case, home, server)
    if endpoint:
        answered = server.requests(endpoint) - before
        # One request per run (mdfield's own --use-server path: one per field).
        if endpoint.startswith("/api/lamd/"):
            assert answered == 1, "%d requests to %s" % (answered, endpoint)
        assert answered >= 1, "the server did not answer %s" % endpoint
    assert out == case["stdout"], "stdout differs"
    assert rc == case["rc"], "exit code differs"
    python = diagnostics(case["stderr"])
    ours = our_diagnostics(err, python)
    assert ours == python, "stderr diagnostics differ:\n ours %r\n python %r\n raw %r" % (
        ours, python, err)


@pytest.mark.parametrize("mode", ["direct", "server"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_lamd_tool(case, mode, home, request):
    srv = request.getfixturevalue("server") if mode == "server" else None
    check(case, home, srv)


def test_recordings_cover_every_tool_and_option():
    """The recordings hold every flags OUTPUT, every dependencies TYPE and
    every resolve option, failures included, and hundreds of cases."""
    assert len(CASES) >= 500
    flags_outputs = {c["args"][0] for c in CASES if c["tool"] == "flags" and c["args"]}
    assert {"pp", "post", "docx", "pptx", "prefix", "reveal", "cv", "manim",
            "manim-convert"} <= flags_outputs
    dep_types = {c["args"][0] for c in CASES if c["tool"] == "dependencies" and c["args"]}
    assert {"all", "diagrams", "inputs", "bibinputs", "slidediagrams", "texdiagrams",
            "docxdiagrams", "batch"} <= dep_types
    resolve_args = {a for c in CASES if c["tool"] == "lamd-resolve-diagrams-dir" for a in c["args"]}
    assert {"--filesystem", "--web", "-d", "--diagrams-web-dir", "--cwd"} <= resolve_args
    assert {c["rc"] for c in CASES} >= {0, 1, 2}


def test_a_server_with_another_home_answers_with_the_clients_environment(home):
    """A server whose own HOME is elsewhere (a systemd or shared server) still
    answers as the tool does in the client's shell: the client sends its
    environment, so $HOME in configs and values expands to the client's."""
    h = home[0]
    other = os.path.join(os.path.dirname(h), "server-home")
    os.makedirs(other, exist_ok=True)
    srv = TokenServer(os.path.dirname(h), other,
                      os.path.join(os.path.dirname(h), "other-server-state"))
    try:
        cases = [c for c in CASES if "{HOME}" in c["stdout"] and
                 "{HOME}" not in " ".join(c["args"]) and c["tool"] != "mdfield" or
                 c["name"].startswith("mdfield/_demo/env")]
        assert len(cases) >= 20
        for case in cases:
            check(case, home, srv)
    finally:
        srv.stop()


def cache_counter(server, name):
    req = urllib.request.Request(server.base + "/metrics", headers=server.headers)
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read().decode()
    m = re.search(r"^%s (\d+(?:\.\d+)?)$" % name, text, re.M)
    assert m, name
    return float(m.group(1))


def test_a_repeated_scan_is_served_from_the_servers_cache(home, server):
    """The texts a dependency scan reads stay in the server's parsed-file
    cache: the second identical run reads none of them again (no new miss,
    one hit per file), and answers the same."""
    case = next(c for c in CASES if c["name"] == "dependencies/_demo/intro/batch")
    check(case, home, server)
    misses = cache_counter(server, "lynguine_cache_misses_total")
    hits = cache_counter(server, "lynguine_cache_hits_total")
    check(case, home, server)
    assert cache_counter(server, "lynguine_cache_misses_total") == misses
    assert cache_counter(server, "lynguine_cache_hits_total") >= hits + 3


def test_toml_front_matter_is_read():
    """python-frontmatter reads a TOML (+++) header with the toml module (as
    where lamd was recorded): the recordings hold TOML talks of every value
    kind, a header that does not parse among them, and lamd read their
    fields (so the replays above prove ours does)."""
    toml = [c for c in CASES if "/_demo/toml-" in c["name"]]
    assert len(toml) >= 40
    title = next(c for c in toml if c["name"] == "mdfield/_demo/toml-types/single-title")
    assert title["stdout"] == 'A "TOML" talk \u00e9\n' and title["rc"] == 0
    broken = next(c for c in toml if c["name"] == "flags/_demo/toml-broken/prefix")
    assert "TomlDecodeError" in broken["stderr"] and broken["rc"] != 0


def test_toml_array_left_open_is_an_error():
    """python's toml package reads `a = [1` at the end of a header as `[]`
    (it accepts what TOML forbids); ours names the error as the package does
    for other unbalanced arrays, and the field is empty (README's
    differences: toml-unterminated-array)."""
    work = tempfile.mkdtemp(prefix="lyn-toml-")
    try:
        with open(os.path.join(work, "talk.md"), "w") as f:
            f.write('+++\ntitle = "x"\na = [1\n+++\nbody\n')
        tool = os.path.join(work, "mdfield")
        os.symlink(BINARY, tool)
        r = subprocess.run([tool, "title", "talk.md"], cwd=work, capture_output=True, text=True,
                           env=child_env(work), timeout=60)
        assert r.stdout == "\n", r
        assert "Unbalanced brackets in array" in r.stderr, r
    finally:
        shutil.rmtree(work, ignore_errors=True)
