"""The recorded lynguine 0.1.2 cases, replayed against our binary:
- every talk/field case's `mdfield_stdout` through `lynguine field` (direct mode),
- every read_data/write_data case through `lynguine call` (direct mode),
- every case over HTTP against `lynguine serve` in a fresh fixture copy
  (sessions excepted until they land).
Cases marked lynguine_bug are checked against what their note says a
correct server does, in test_lynguine_bug_fixes below."""
import json
import os

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


def test_data_cases_direct_mode():
    """read_data and write_data through the CLI, in file order (writes first)."""
    root, home = fresh_fixtures()
    failures = []
    for case in data_cases():
        r = run_cli(["call", case["method"], case["path"], json.dumps(case["body"])], root, home)
        text = (r.stdout if r.returncode == 0 else r.stderr).decode()
        got = json.loads(text)
        status = 200 if r.returncode == 0 else 400
        if (case["status"] == 200) != (status == 200):
            failures.append("%s: status %s vs recorded %s: %s" % (case["name"], status,
                                                                   case["status"], text[:200]))
            continue
        diff = conform.compare(case["response"], got, case.get("ignore", []),
                               case.get("nan_paths", []), case.get("nonfinite"),
                               {"root": root, "home": home})
        if diff:
            failures.append("%s: %s" % (case["name"], diff))
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
