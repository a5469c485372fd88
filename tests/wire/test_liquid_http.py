"""Every recorded Liquid render through POST /api/compute on a real server,
with the recorded cases' own checker (tests/conformance/liquid)."""
import os
import shutil
import sys

from conftest import CONFORMANCE, Server, fresh_fixtures

sys.path.insert(0, os.path.join(CONFORMANCE, "liquid"))
import liquid_check  # noqa: E402


def replay_liquid(cases):
    """(case, reason or None) for each case, rendered by a fresh server."""
    root, home = fresh_fixtures()
    server = Server(root, home)
    results = []
    try:
        for case in cases:
            body = {"operation": "render_liquid",
                    "params": {"template": case["template"], "context": case["context"]}}
            status, got = liquid_check.post(server.base, body, 60)
            results.append((case, liquid_check.check(case, status, got)))
    finally:
        server.stop()
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)
    return results


def check_cases_over_http(file_name):
    """Renders every case of tests/conformance/liquid/FILE_NAME on a fresh
    server with the cases' own checker; returns the failures."""
    cases = liquid_check.load_cases(os.path.join(CONFORMANCE, "liquid", file_name))
    failures = ["%s: %s" % (c["name"], r) for c, r in replay_liquid(cases) if r]
    print("%d passed, %d failed (%s over HTTP)" % (len(cases) - len(failures), len(failures),
                                                  file_name))
    return failures


def test_liquid_cases_over_http():
    failures = check_cases_over_http("cases.json")
    assert not failures, "\n".join(failures[:20])


def test_liquid_limit_cases_over_http():
    """python-liquid's own limits (record_limits.py): block and loop nesting,
    Python's int limits, long and/or chains."""
    failures = check_cases_over_http("limits_cases.json")
    assert not failures, "\n".join(failures[:20])


def test_compute_per_record_and_errors():
    import json
    import urllib.request
    root, home = fresh_fixtures()
    server = Server(root, home)
    try:
        def post(body):
            req = urllib.request.Request(server.base + "/api/compute",
                                         data=json.dumps(body).encode(), method="POST")
            try:
                with urllib.request.urlopen(req) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())
        status, got = post({"operation": "render_liquid",
                            "params": {"template": "{{ name | upcase }}-{{ n | plus: 1 }}"},
                            "data": {"records": [{"name": "a", "n": 1}, {"name": "b", "n": 2}]}})
        assert status == 200 and got["result"] == ["A-2", "B-3"]
        status, got = post({"operation": "render_liquid", "params": {"template": "{{ x"}})
        assert status == 400 and got["error_type"] == "LiquidSyntaxError"
        status, got = post({"operation": "word_count", "params": {}})
        assert status == 400 and "word_count" in got["error_message"]
        status, got = post({"operation": "today"})
        assert status == 200 and len(got["result"]) == 10
    finally:
        server.stop()


def as_correct(case):
    """A lynguine_bug case as a correct server answers it: its "correct"
    output (or error) in place of what python-liquid gave."""
    if not case.get("lynguine_bug"):
        return case
    fixed = {k: v for k, v in case.items()
             if k not in ("output", "error", "error_type", "error_message", "lynguine_bug")}
    fixed.update(case["correct"])
    return fixed


def test_extra_liquid_cases_over_http():
    """Liquid renders recorded by tests/conformance/record_extra.py (decimal
    arithmetic of sum and the math filters, ...), over HTTP. A pending case
    (a difference not fixed yet) must still differ; a lynguine_bug case is
    checked against its "correct" answer."""
    cases = liquid_check.load_cases(os.path.join(CONFORMANCE, "liquid", "extra_cases.json"))
    assert cases
    bugs = [c for c in cases if c.get("lynguine_bug")]
    assert all(c.get("note") and "correct" in c for c in bugs)
    cases = [as_correct(c) for c in cases]
    results = replay_liquid(cases)
    failures = ["%s: %s" % (c["name"], r) for c, r in results if r and not c.get("pending")]
    fixed = [c["name"] for c, r in results if not r and c.get("pending")]
    assert not failures, "\n".join(failures[:20])
    assert not fixed, "pending cases that now pass (remove their pending mark): %s" % fixed
