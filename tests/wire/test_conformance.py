"""The recorded lynguine 0.1.2 cases (tests/conformance/cases.json), replayed
against our binary:
- every case over HTTP against `lynguine serve` in a fresh fixture copy, in
  file order; the cases marked lynguine_bug in their place, each checked
  against what a correct server answers (tests/conformance/bug_expectations.json);
- every talk/field case's `mdfield_stdout` through `lynguine field`, in direct
  mode and through a server (no fall-back allowed; the server's request
  counter proves it answered), byte for byte the same;
- every read_data, write_data and interface/read case through `lynguine call`,
  direct and through a server, in file order: the recorded status and answer
  (or the expectation), and the two modes' output byte for byte the same;
- README's list of differences from lynguine is the one the expectations give.
"""
import json
import os
import shutil

import pytest

from conftest import (CONFORMANCE, REPO, Server, conform, fresh_fixtures, run_cli,
                      server_env)

import differences  # tests/conformance/differences.py (CONFORMANCE is on sys.path)

CASES = conform.load_cases(os.path.join(CONFORMANCE, "cases.json"))
EXPECT = differences.load()
README = os.path.join(REPO, "README.md")


def strict_json(text):
    """json.loads that refuses bare NaN/Infinity (what a correct server never sends)."""
    def refuse(name):
        raise ValueError("bare %s in the answer" % name)
    return json.loads(text, parse_constant=refuse)


def at(doc, pointer):
    """The value at a JSON pointer ("" is the whole document), or KeyError."""
    for step in [s for s in pointer.split("/") if s]:
        doc = doc[int(step)] if isinstance(doc, list) else doc[step]
    return doc


def expectation_failures(exp, status, body, root, home, sid):
    """What in (status, body) and the fixture copy differs from an expectation."""
    out = []
    if status != exp["status"]:
        out.append("status %s, want %s: %s" % (status, exp["status"], json.dumps(body)[:300]))
        return out
    ctx = {"root": root, "home": home, "sid": sid}
    for pointer, want in exp.get("equals", {}).items():
        try:
            got = at(body, pointer)
        except (KeyError, IndexError, TypeError, ValueError):
            out.append("%s: missing" % (pointer or "/"))
            continue
        diff = conform.compare(want, got, ctx=ctx, path=pointer)
        if diff:
            out.append(diff)
    for pointer, part in exp.get("contains", {}).items():
        try:
            got = at(body, pointer)
        except (KeyError, IndexError, TypeError, ValueError):
            got = None
        if not isinstance(got, str) or part not in got:
            out.append("%s: %r does not contain %r" % (pointer, got, part))
    for rel in exp.get("absent", []):
        if os.path.lexists(os.path.join(root, rel)):
            out.append("%s exists" % rel)
    for rel, text in exp.get("files", {}).items():
        path = os.path.join(root, rel)
        got = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if got != text:
            out.append("%s holds %r, want %r" % (rel, got, text))
    return out


# ---------------------------------------------------------------------------
# The expectations and the README agree.

def test_every_bug_case_has_one_expectation_with_a_reason():
    bug_names = {c["name"] for c in CASES if c.get("lynguine_bug")}
    assert len(bug_names) == 22
    assert set(EXPECT["cases"]) == bug_names, (
        "without an expectation: %s; not a lynguine_bug case: %s"
        % (sorted(bug_names - set(EXPECT["cases"])), sorted(set(EXPECT["cases"]) - bug_names)))
    ids = [d["id"] for d in EXPECT["differences"]]
    assert len(ids) == len(set(ids))
    for name, e in EXPECT["cases"].items():
        assert e["difference"] in ids, name
        assert e.get("reason"), name
        assert isinstance(e.get("status"), int), name
        assert e.get("equals") or e.get("contains"), "%s: no body check" % name


def test_every_listed_difference_is_exercised():
    used = {e["difference"] for e in EXPECT["cases"].values()}
    # ... or by the extra cases (record_extra.py) a difference names.
    used |= {c["difference"] for c in EXTRA if c.get("lynguine_bug") and c.get("difference")}
    general = {"nan-null", "precise-4xx", "json-405"}  # test_general_differences below
    for d in EXPECT["differences"]:
        if "shown_by" in d:  # no recorded case can show it (a hostile request): a test does
            path, func = d["shown_by"].split("::")
            with open(os.path.join(REPO, path), encoding="utf-8") as f:
                assert "\ndef %s(" % func in f.read(), "%s: no test %s" % (d["id"], d["shown_by"])
            continue
        assert d["id"] in used or d["id"] in general, "%s: no case shows it" % d["id"]


def test_readme_lists_exactly_the_differences():
    want = differences.section(EXPECT)
    got = differences.readme_section(README).rstrip("\n") + "\n"
    assert got == want, ("README's differences section is out of date; run "
                         "python3 tests/conformance/differences.py --write README.md")


# ---------------------------------------------------------------------------
# Every case over HTTP, in file order.

@pytest.fixture(scope="module")
def http_replay():
    """{name: (status, parsed body or None, raw text, failures)} for every case."""
    root, home = fresh_fixtures()
    server = Server(root, home)
    results = {}
    sid = None
    try:
        for c in CASES:
            path = conform._subst(c["path"], sid)
            status, got, text = conform.send(server.base, c["method"], path,
                                             conform._subst(c.get("body"), sid), timeout=60)
            made_session = (c["method"] == "POST" and c["path"] == "/api/sessions"
                            and status == 200 and isinstance(got, dict))
            previous_sid = sid
            if made_session:
                sid = got["session"]["session_id"]
            exp = EXPECT["cases"].get(c["name"]) if c.get("lynguine_bug") else None
            if exp is not None:
                failures = expectation_failures(exp, status, got, root, home, sid)
                if exp.get("delete_session") and made_session:
                    conform.send(server.base, "DELETE", "/api/sessions/" + sid, None)
                    sid = previous_sid
            else:
                failures = []
                if not conform.status_ok(c["status"], status):
                    failures.append("status %s, want %s: %s" % (status, c["status"], text[:300]))
                elif c.get("response") is not None:
                    diff = "not JSON: " + text[:200] if got is None else conform.compare(
                        c["response"], got, c.get("ignore", []), c.get("nan_paths", []),
                        c.get("nonfinite", {}), {"sid": sid, "root": root, "home": home})
                    if diff:
                        failures.append(diff)
            results[c["name"]] = (status, got, text, failures)
    finally:
        server.stop()
    return results


def test_recorded_cases_over_http(http_replay):
    lines = ["%s: %s" % (c["name"], "; ".join(http_replay[c["name"]][3])) for c in CASES
             if not c.get("lynguine_bug") and http_replay[c["name"]][3]]
    assert not lines, "\n".join(lines)


@pytest.mark.parametrize("name", sorted(EXPECT["cases"]))
def test_lynguine_bug_case_answers_as_a_correct_server(name, http_replay):
    assert name in http_replay, "no such case in cases.json"
    failures = http_replay[name][3]
    assert not failures, "%s (%s):\n%s" % (name, EXPECT["cases"][name]["reason"],
                                           "\n".join(failures))


def test_general_differences(http_replay):
    """The differences no single bug case shows, each seen at least once, and
    every answer strict JSON."""
    nan_cases = precise = json405 = 0
    for c in CASES:
        status, got, text, _ = http_replay[c["name"]]
        if status != 501:  # our 501s do not exist; an HTML page would fail here
            strict_json(text)  # raises on a bare NaN or on HTML
        if c.get("lynguine_bug"):
            continue
        if c.get("nan_paths") and status == 200:
            nan_cases += 1
        if c["status"] == 500 and 400 <= status < 500:
            precise += 1
        if c["status"] == 501:
            assert status == 405 and strict_json(text)["status"] == "error", c["name"]
            json405 += 1
    assert nan_cases > 0 and precise > 0 and json405 > 0, (nan_cases, precise, json405)


# ---------------------------------------------------------------------------
# mdfield: direct and through a server.

def mdfield_cases():
    return [c for c in CASES if "mdfield_stdout" in c]


def field_args(case):
    configs = case["mdfield_config_files"]
    if isinstance(configs, str):
        configs = [configs]
    args = ["field", case["body"]["field"], case["body"]["markdown_file"]]
    for c in configs:
        args += ["--config", c]
    return args


def refused_by_a_server(case):
    exp = EXPECT["cases"].get(case["name"])
    return exp is not None and exp["difference"] == "confined-paths"


@pytest.fixture(scope="module")
def served_copy():
    root, home = fresh_fixtures()
    server = Server(root, home)
    yield server
    server.stop()


@pytest.mark.parametrize("case", mdfield_cases(), ids=lambda c: c["name"])
def test_mdfield_stdout_direct_and_through_the_server(case, served_copy):
    """lamd's recorded `mdfield` output from both modes, and proof that the
    server answered the second (its talk/field counter moved by one)."""
    server = served_copy
    root, home = server.root, server.home
    want = case["mdfield_stdout"].replace("{HOME}", home).replace("{ROOT}", root)
    direct = run_cli(field_args(case), root, home)
    assert direct.returncode == 0, direct.stderr.decode()
    assert direct.stdout.decode("utf-8") == want
    before = server.requests("/api/talk/field")
    via = run_cli(field_args(case), root, home, env=server_env(server))
    after = server.requests("/api/talk/field")
    assert after - before == 1, "the server did not answer (%d talk/field requests)" % (
        after - before)
    if refused_by_a_server(case):
        # Outside the server's root: refused (403), and without the fall-back
        # the command fails rather than print a direct-mode answer.
        assert via.returncode == 1 and via.stdout == b"", via
        assert server.requests("/api/talk/field", status=403) >= 1
        return
    assert via.returncode == 0, via.stderr.decode()
    assert via.stdout == direct.stdout
    assert via.stderr == b""


def test_mdfield_batch_matches_single_calls(served_copy):
    root, home = served_copy.root, served_copy.home
    fields = ["title", "date", "categories", "reveal", "published", "no_such_field"]
    r = run_cli(["mdfield", "batch", "talks/gp-intro.md", "--fields", *fields], root, home)
    assert r.returncode == 0, r.stderr.decode()
    lines = r.stdout.decode().splitlines()
    for field, line in zip(fields, lines):
        single = run_cli(["field", field, "talks/gp-intro.md"], root, home)
        assert line == field + ":" + single.stdout.decode().rstrip("\n")
    assert len(lines) == len(fields)
    via = run_cli(["mdfield", "batch", "talks/gp-intro.md", "--fields", *fields], root, home,
                  env=server_env(served_copy))
    assert via.returncode == 0 and via.stdout == r.stdout, via


def test_no_fallback_fails_without_a_server():
    """The proof the tests above rely on: with no server to answer, the client
    exits 1 instead of answering in direct mode."""
    root, home = fresh_fixtures()
    env = {"LYNGUINE_NO_FALLBACK": "1", "LYNGUINE_SERVER_PORT": str(_closed_port())}
    r = run_cli(["field", "title", "talks/gp-intro.md"], root, home, env=env)
    assert r.returncode == 1 and r.stdout == b"", r
    assert json.loads(r.stderr)["error_type"] == "ConnectionError"
    r = run_cli(["call", "POST", "/api/read_data", '{"interface_file": "_lynguine.yml"}'],
                root, home, env=env)
    assert r.returncode == 1 and r.stdout == b"", r
    # The same without the option falls back, with a warning.
    env.pop("LYNGUINE_NO_FALLBACK")
    env["LYNGUINE_USE_SERVER"] = "1"
    r = run_cli(["field", "title", "talks/gp-intro.md"], root, home, env=env)
    assert r.returncode == 0 and r.stdout == b"Introduction to Gaussian Processes\n"
    assert b"using direct mode" in r.stderr


def _closed_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns


# ---------------------------------------------------------------------------
# The data endpoints through the CLI: direct and through a server.

DATA_PATHS = ("/api/read_data", "/api/write_data", "/api/interface/read")


def data_cases():
    return [c for c in CASES if c["path"] in DATA_PATHS and c["method"] == "POST"
            and isinstance(c["body"], dict)]


def replay_data_cases(env_for=None):
    """Every data case through `lynguine call --status`, in file order, in a
    fresh fixture copy; {name: (status, stdout, stderr without the status
    line)}, and the copy."""
    root, home = fresh_fixtures()
    out = {}
    for c in data_cases():
        r = run_cli(["call", "--status", c["method"], c["path"], json.dumps(c["body"])], root,
                    home, env=env_for)
        first, _, rest = r.stderr.partition(b"\n")
        assert first.startswith(b"status: "), (c["name"], r.stderr[:300])
        status = int(first[len(b"status: "):])
        assert (r.returncode == 0) == (200 <= status < 300), (c["name"], r.returncode, status)
        out[c["name"]] = (status, r.stdout, rest)
    return out, root, home


def check_data_answers(answers, root, home):
    failures = []
    for c in data_cases():
        status, stdout, stderr = answers[c["name"]]
        text = (stdout if 200 <= status < 300 else stderr).decode()
        body = strict_json(text)
        exp = EXPECT["cases"].get(c["name"]) if c.get("lynguine_bug") else None
        if exp is not None:
            failures += ["%s: %s" % (c["name"], f)
                         for f in expectation_failures(exp, status, body, root, home, None)]
            continue
        if not conform.status_ok(c["status"], status):
            failures.append("%s: status %s, recorded %s: %s" % (c["name"], status, c["status"],
                                                                 text[:200]))
            continue
        diff = conform.compare(c["response"], body, c.get("ignore", []), c.get("nan_paths", []),
                               c.get("nonfinite"), {"root": root, "home": home})
        if diff:
            failures.append("%s: %s" % (c["name"], diff))
    return failures


def test_data_cases_direct_mode():
    answers, root, home = replay_data_cases()
    failures = check_data_answers(answers, root, home)
    assert not failures, "\n".join(failures)


def _normalised(answer, root, home):
    """An answer with its fixture copy's paths written {ROOT} and {HOME}."""
    status, out, err = answer
    swap = lambda b: b.replace(root.encode(), b"{ROOT}").replace(home.encode(), b"{HOME}")
    return status, swap(out), swap(err)


def test_data_cases_through_the_server_match_direct_mode_byte_for_byte():
    direct, direct_root, direct_home = replay_data_cases()
    root, home = fresh_fixtures()
    server = Server(root, home)
    try:
        before = {p: server.requests(p) for p in DATA_PATHS}
        via = {}
        for c in data_cases():
            r = run_cli(["call", "--status", c["method"], c["path"], json.dumps(c["body"])], root,
                        home, env=server_env(server))
            first, _, rest = r.stderr.partition(b"\n")
            assert first.startswith(b"status: "), (c["name"], r.stderr[:300])
            via[c["name"]] = (int(first[len(b"status: "):]), r.stdout, rest)
        after = {p: server.requests(p) for p in DATA_PATHS}
    finally:
        server.stop()
    for p in DATA_PATHS:
        sent = sum(1 for c in data_cases() if c["path"] == p)
        assert after[p] - before[p] == sent, "%s: the server answered %d of %d" % (
            p, after[p] - before[p], sent)
    failures = check_data_answers(via, root, home)
    assert not failures, "\n".join(failures)
    differ = []
    for c in data_cases():
        d = _normalised(direct[c["name"]], direct_root, direct_home)
        v = _normalised(via[c["name"]], root, home)
        if d != v:
            differ.append("%s:\n  direct %r\n  server %r" % (c["name"], d, v))
    assert not differ, "\n".join(differ[:10])


def direct_mode_failure(case, root, home):
    """A data case through `lynguine call` (direct mode): None when the answer
    matches the recording, else why not."""
    r = run_cli(["call", case["method"], case["path"], json.dumps(case["body"])], root, home)
    text = (r.stdout if r.returncode == 0 else r.stderr).decode()
    got = json.loads(text)
    if (case["status"] == 200) != (r.returncode == 0):
        return "%s: exit %s vs recorded %s: %s" % (case["name"], r.returncode, case["status"],
                                                   text[:200])
    diff = conform.compare(case["response"], got, case.get("ignore", []),
                           case.get("nan_paths", []), case.get("nonfinite"),
                           {"root": root, "home": home})
    return "%s: %s" % (case["name"], diff) if diff else None


# ---- Extra cases (tests/conformance/record_extra.py): inputs beyond the public
# set, recorded from lynguine 0.1.2 the same way; their files live in
# fixtures_extra/. A case marked lynguine_bug carries "correct", what a
# correct server answers, and is checked against that instead. A case marked
# "pending" records a difference found by tests/diff that an area owned by
# another change must fix (e.g. YAML typing): it must still fail (strict
# expected failure), so that the mark goes when the fix lands.

EXTRA = conform.load_cases(os.path.join(CONFORMANCE, "extra_cases.json"))


def as_correct(case, root=None):
    """The case as a correct server must answer it (with `root` put in the
    request where it was recorded as {ROOT})."""
    if root and case.get("body") is not None:
        case = dict(case, body=json.loads(json.dumps(case["body"]).replace("{ROOT}", root)))
    if not case.get("lynguine_bug"):
        return case
    fixed = dict(case, **case["correct"])
    fixed.pop("lynguine_bug")
    fixed.setdefault("ignore", [])
    fixed.pop("nan_paths", None)
    fixed.pop("nonfinite", None)
    return fixed


def test_extra_cases_are_recorded():
    assert len(EXTRA) > 300
    bugs = [c for c in EXTRA if c.get("lynguine_bug")]
    assert bugs and all("correct" in c and c.get("note") for c in bugs)


def test_extra_cases_over_http():
    root, home = fresh_fixtures(extra=True)
    server = Server(root, home)
    try:
        cases = [as_correct(c, root) for c in EXTRA if not c.get("pending")]
        passed, failed, skipped, lines = conform.replay(server.base, cases, root=root, home=home,
                                                        out=open(os.devnull, "w"))
    finally:
        server.stop()
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)
    print("%d passed, %d failed (extra cases over HTTP)" % (passed, failed))
    assert skipped == 0
    assert failed == 0, "\n".join(lines)


def test_extra_data_cases_direct_mode():
    """The extra read_data cases through the CLI (direct mode): same answers."""
    root, home = fresh_fixtures(extra=True)
    failures = []
    try:
        for case in (as_correct(c, root) for c in EXTRA if not c.get("pending")):
            if case["path"] != "/api/read_data" or "data_source" not in (case["body"] or {}):
                continue
            failure = direct_mode_failure(case, root, home)
            if failure:
                failures.append(failure)
    finally:
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)
    assert not failures, "\n".join(failures)


def test_extra_pending_cases_still_differ():
    """Each pending case still differs from lynguine's recorded answer."""
    pending = [c["name"] for c in EXTRA if c.get("pending")]
    if not pending:
        return
    root, home = fresh_fixtures(extra=True)
    server = Server(root, home)
    try:
        cases = [as_correct(c, root) for c in EXTRA]
        _, _, _, lines = conform.replay(server.base, cases, root=root, home=home,
                                        out=open(os.devnull, "w"))
    finally:
        server.stop()
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)
    failing = {line.split()[1] for line in lines}
    fixed = [n for n in pending if n not in failing]
    assert not fixed, "pending cases that now pass (remove their pending mark): %s" % fixed


@pytest.mark.parametrize("case", [c for c in EXTRA if "mdfield_stdout" in c
                                  and not c.get("lynguine_bug") and not c.get("pending")],
                         ids=lambda c: c["name"] if isinstance(c, dict) else str(c))
def test_extra_mdfield_stdout(case):
    root, home = fresh_fixtures(extra=True)
    try:
        body = case["body"]
        args = ["field", body["field"], body["markdown_file"]]
        for c in case["mdfield_config_files"]:
            args += ["--config", c]
        r = run_cli(args, root, home)
        want = case["mdfield_stdout"].replace("{HOME}", home).replace("{ROOT}", root)
        assert r.returncode == 0, r.stderr.decode()
        assert r.stdout.decode("utf-8") == want
    finally:
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)
