"""The recorded lynguine 0.1.2 cases, replayed against our binary:
- every talk/field case's `mdfield_stdout` through `lynguine field` (direct mode),
- every read_data/write_data case through `lynguine call` (direct mode),
- every case over HTTP against `lynguine serve` in a fresh fixture copy
  (sessions excepted until they land).
Cases marked lynguine_bug are checked against what their note says a
correct server does, in test_lynguine_bug_fixes below."""
import json
import os
import shutil

import pytest

from conftest import (CONFORMANCE, Server, conform, fresh_fixtures, run_cli)

CASES = conform.load_cases(os.path.join(CONFORMANCE, "cases.json"))

# Endpoints whose cases need a feature that has not landed yet.
PENDING_PREFIXES = ()


def pending(case):
    return case["path"].startswith(PENDING_PREFIXES)


def mdfield_cases():
    return [c for c in CASES if "mdfield_stdout" in c and not c.get("lynguine_bug")]


def data_cases():
    return [c for c in CASES if c["path"] in ("/api/read_data", "/api/write_data")
            and c["method"] == "POST" and not c.get("lynguine_bug")
            and not isinstance(c["body"], str)]


@pytest.fixture(scope="module")
def fixture_copy():
    return fresh_fixtures()


@pytest.mark.parametrize("case", mdfield_cases(), ids=lambda c: c["name"])
def test_mdfield_stdout(case, fixture_copy):
    root, home = fixture_copy
    body = case["body"]
    configs = case["mdfield_config_files"]
    if isinstance(configs, str):
        configs = [configs]
    args = ["field", body["field"], body["markdown_file"]]
    for c in configs:
        args += ["--config", c]
    r = run_cli(args, root, home)
    want = case["mdfield_stdout"].replace("{HOME}", home).replace("{ROOT}", root)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode("utf-8") == want


def test_mdfield_batch_matches_single_calls(fixture_copy):
    root, home = fixture_copy
    fields = ["title", "date", "categories", "reveal", "published", "no_such_field"]
    r = run_cli(["mdfield", "batch", "talks/gp-intro.md", "--fields", *fields], root, home)
    assert r.returncode == 0, r.stderr.decode()
    lines = r.stdout.decode().splitlines()
    for field, line in zip(fields, lines):
        single = run_cli(["field", field, "talks/gp-intro.md"], root, home)
        assert line == field + ":" + single.stdout.decode().rstrip("\n")
    assert len(lines) == len(fields)


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


def test_data_cases_direct_mode():
    """read_data and write_data through the CLI, in file order (writes first)."""
    root, home = fresh_fixtures()
    failures = [f for f in (direct_mode_failure(c, root, home) for c in data_cases()) if f]
    assert not failures, "\n".join(failures)


def test_all_cases_over_http():
    root, home = fresh_fixtures()
    server = Server(root, home)
    try:
        cases = [c for c in CASES if not pending(c)]
        passed, failed, skipped, lines = conform.replay(server.base, cases, root=root, home=home,
                                                        out=open(os.devnull, "w"))
    finally:
        server.stop()
    print("%d passed, %d failed (HTTP conformance)" % (passed, failed))
    assert failed == 0, "\n".join(lines)


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
