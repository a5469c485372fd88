"""The docs hold true of the binary (issue 15, point 3):

 - every option a command's `--help` prints is in docs/guide.md's "Every
   setting" section and in the man page (packaging/lynguine.1), and every
   command is in both;
 - every curl example of docs/api.md, run in order with curl against a server
   on the project the page names (a copy of tests/conformance/fixtures/), gets
   the status and the body the page shows. Volatile fields (times, pid,
   memory) are compared by type; a list cut short with "... N more" by its
   shown items and its length; {SID} and {SID2} are the sessions the
   walkthrough created (a use before the creation fails);
   /home/me/project is the server's root and /home/me its $HOME.
"""
import json
import os
import re
import subprocess

import pytest

from conftest import BINARY, REPO

GUIDE = os.path.join(REPO, "docs", "guide.md")
API = os.path.join(REPO, "docs", "api.md")
MAN = os.path.join(REPO, "packaging", "lynguine.1")
COMMANDS = ["field", "read", "write", "call", "serve", "completion"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def help_options(command):
    r = subprocess.run([BINARY, command, "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", r.stdout)))


def guide_settings():
    text = read(GUIDE)
    return text[text.index("## Every setting"):]


def man_text():
    # roff escapes the hyphens of options: \-\-port
    return read(MAN).replace("\\-", "-").replace("\\(em", "-")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_option_is_documented(command):
    options = help_options(command)
    assert options, command
    guide, man = guide_settings(), man_text()
    assert re.search(r"`%s\b" % command, guide), "guide lacks the command %s" % command
    assert re.search(r"\b%s\b" % command, man), "man page lacks the command %s" % command
    missing_guide = [o for o in options if not re.search(re.escape(o) + r"(?![\w-])", guide)]
    missing_man = [o for o in options if not re.search(re.escape(o) + r"(?![\w-])", man)]
    assert not missing_guide, "docs/guide.md lacks %s %s" % (command, missing_guide)
    assert not missing_man, "packaging/lynguine.1 lacks %s %s" % (command, missing_man)


def test_help_points_at_docs_not_sources():
    for command in COMMANDS:
        out = subprocess.run([BINARY, command, "--help"], capture_output=True, text=True,
                             timeout=60).stdout
        assert not re.search(r"\bsrc/\S+\.(cc|h)\b", out), command


# ---- docs/api.md's curl examples -----------------------------------------

EXAMPLE = re.compile(
    r"```sh\n(curl [^\n]*)\n```\nAnswer `(\d+)`[^\n]*\n```json\n(.*?)\n```", re.S)
VOLATILE = {"uptime_seconds", "pid", "memory", "cpu_percent", "created_time", "last_accessed",
            "age_seconds", "idle_seconds", "memory_mb", "total_memory_mb", "result"}


def examples():
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in EXAMPLE.finditer(read(API))]


def test_every_curl_example_has_an_answer():
    curls = re.findall(r"^curl [^\n]*", read(API), re.M)
    assert len(curls) == len(examples()) > 30


def matches(want, got, path="$"):
    """Whether `got` is what the page shows as `want` (see the module doc)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        assert list(want) == list(got), (path, list(want), list(got))
        for k in want:
            if k in VOLATILE:
                assert got[k] is not None or want[k] is None, (path, k)
                continue
            matches(want[k], got[k], path + "." + k)
    elif isinstance(want, list):
        assert isinstance(got, list), path
        more = want and isinstance(want[-1], str) and re.fullmatch(r"\.\.\. (\d+) more", want[-1])
        if more:
            assert len(got) == len(want) - 1 + int(more.group(1)), path
            want = want[:-1]
            got = got[:len(want)]
        assert len(want) == len(got), path
        for i, (a, b) in enumerate(zip(want, got)):
            matches(a, b, "%s[%d]" % (path, i))
    else:
        assert want == got, (path, want, got)


@pytest.fixture(scope="module")
def served(module_server):
    return module_server


def test_every_curl_example_runs_as_shown(served):
    # {SID} is the first session the page creates, {SID2} the second.
    sids = {}
    for command, status, body in examples():
        cmd = command.replace("http://127.0.0.1:8765", served.base)
        for name in re.findall(r"\{SID2?\}", cmd):
            assert name in sids, "the page uses %s before creating it: %s" % (name, command)
            cmd = cmd.replace(name, sids[name])
        out = subprocess.run(["/bin/sh", "-c", cmd + " -w '\\n%{http_code}'"], cwd=served.root,
                             capture_output=True, text=True, timeout=60)
        text, _, code = out.stdout.rpartition("\n")
        assert int(code) == status, (command, code, text[:300])
        got = json.loads(text)
        if re.search(r"-X POST \S*/api/sessions -d", command) and status == 200:
            sids["{SID}" if "{SID}" not in sids else "{SID2}"] = got["session"]["session_id"]
        shown = body.replace("/home/me/project", served.root).replace("/home/me", served.home)
        for name, sid in sids.items():
            shown = shown.replace(name, sid)
        try:
            matches(json.loads(shown), got)
        except AssertionError as e:
            raise AssertionError("%s\n%s" % (command, e)) from None


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "completion"])
def test_completion_offers_every_help_option(command):
    script = subprocess.run([BINARY, "completion", "bash"], capture_output=True, text=True,
                            timeout=60).stdout
    case = re.search(r"\n\s+%s\)(.*?);;" % command, script, re.S)
    assert case, command
    offered = set(re.findall(r"--[a-z][a-z0-9-]*", case.group(1)))
    common = re.search(r'local common="([^"]*)"', script).group(1).split()
    if "$common" in case.group(1):
        offered |= set(common)
    missing = [o for o in help_options(command) if o not in offered]
    assert not missing, "completion of %s lacks %s" % (command, missing)
