"""Request budgets over HTTP: hostile requests get a named 4xx refusal (or a
correct answer) from a real server, which goes on answering. The checks are
on the answers, not on time. (python-liquid's own limits, recorded, run over
HTTP in test_liquid_http.py.)"""
import json
import os
import re
import time
import urllib.error
import urllib.request

from conftest import Server, fresh_fixtures, run_cli


def post(base, path, body, timeout=120):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def healthy(base):
    with urllib.request.urlopen(base + "/api/health", timeout=30) as r:
        return r.status == 200


def refused(status, reply, limit, status_want=422):
    """A named refusal: the status, lynguine's error body, the limit and the
    option that raises it both named in the message."""
    assert status == status_want, (status, reply)
    assert reply["status"] == "error", reply
    assert limit in reply["error_message"], reply
    assert "lynguine serve --limit %s=" % limit in reply["error_message"], reply


def render(base, template):
    return post(base, "/api/compute",
                {"operation": "render_liquid", "params": {"template": template, "context": {}}})


def test_hostile_templates_are_refused_by_name_and_the_server_lives_on():
    root, home = fresh_fixtures()
    server = Server(root, home)
    try:
        parens = "{{ " + "(" * 50000 + "1..2" + ")" * 50000 + " }}"  # the 100 KB template
        status, reply = render(server.base, parens)
        refused(status, reply, "liquid_nesting_depth")
        assert reply["error_type"] == "ResourceLimitError"
        assert healthy(server.base)

        # 50,000 `and`s: no recursion per operand, so no limit is needed.
        status, reply = render(server.base, "{% if " + "true and " * 50000 + "true %}y{% endif %}")
        assert (status, reply.get("result")) == (200, "y"), reply

        loops = ("{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}"
                 "{% endfor %}{% endfor %}{% endfor %}")
        status, reply = render(server.base, loops)
        refused(status, reply, "liquid_loop_iterations")
        assert reply["error_type"] == "LoopIterationLimitError"

        doubling = ("{% assign s = 'ab' %}{% for i in (1..64) %}{% assign s = s | append: s %}"
                    "{% endfor %}{{ s | size }}")
        status, reply = render(server.base, doubling)
        refused(status, reply, "liquid_output_bytes")
        assert reply["error_type"] == "OutputStreamLimitError"

        squaring = ("{% assign x = 3 %}{% for i in (1..64) %}{% assign x = x | times: x %}"
                    "{% endfor %}{{ x | modulo: 7 }}")
        status, reply = render(server.base, squaring)
        refused(status, reply, "liquid_integer_digits")
        assert healthy(server.base)
    finally:
        server.stop()


def test_the_limit_option_raises_and_lowers_a_limit():
    root, home = fresh_fixtures()
    server = Server(root, home, ["--limit", "liquid_loop_iterations=10",
                                 "--limit", "liquid_nesting_depth=5"])
    try:
        status, reply = render(server.base, "{% for i in (1..11) %}{% endfor %}")
        refused(status, reply, "liquid_loop_iterations")
        assert "= 10 iterations" in reply["error_message"], reply
        status, reply = render(server.base, "{% for i in (1..10) %}{{ i }}{% endfor %}")
        assert (status, reply.get("result")) == (200, "12345678910"), reply
        status, reply = render(server.base, "{{ " + "(" * 8 + "1..2" + ")" * 8 + " | size }}")
        refused(status, reply, "liquid_nesting_depth")
        status, reply = render(server.base, "{{ " + "(" * 3 + "1..2" + ")" * 3 + " | size }}")
        assert status == 200, reply  # within the limit: rendered as python-liquid does
        assert healthy(server.base)
    finally:
        server.stop()


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def test_catastrophic_regexp_over_http():
    root, home = fresh_fixtures()
    name = "a" * 200 + "!.md"  # (a+)+\.md$ backtracks 2^200 ways on it in Python's re
    for n in (name, "aaa.md"):
        write(root, os.path.join("cat", n), "---\ntitle: t\n---\n")
    server = Server(root, home)
    try:
        source = {"type": "markdown_directory",
                  "source": [{"directory": "cat", "regexp": r"(a+)+\.md$"}]}
        status, reply = post(server.base, "/api/read_data", {"data_source": source})
        assert status == 200, reply
        assert [r["sourceFilename"] for r in reply["data"]["records"]] == ["aaa.md"]

        source["source"][0]["regexp"] = r"(a)\1"
        status, reply = post(server.base, "/api/read_data", {"data_source": source})
        assert status == 400 and "backreferences" in reply["error_message"], reply

        source["source"][0]["regexp"] = "a{1000}" * 20  # 20,000 instructions compiled
        status, reply = post(server.base, "/api/read_data", {"data_source": source})
        refused(status, reply, "regexp_program_size", 413)
        assert healthy(server.base)
    finally:
        server.stop()


def test_inherit_cycles_over_http():
    root, home = fresh_fixtures()
    write(root, "loop.yml", "inherit: {directory: ., filename: loop.yml}\n")
    write(root, "ping.yml", "inherit: {directory: ., filename: pong.yml}\n")
    write(root, "pong.yml", "inherit: {directory: ., filename: ping.yml}\n")
    for i in range(40):  # a chain longer than inherit_depth, without a cycle
        write(root, "chain%d.yml" % i, "inherit: {directory: ., filename: chain%d.yml}\n" % (i + 1))
    write(root, "chain40.yml", "input: {type: list, filename: []}\n")
    server = Server(root, home)
    try:
        status, reply = post(server.base, "/api/read_data", {"interface_file": "loop.yml"})
        assert status == 400 and "inherits itself" in reply["error_message"], reply
        assert reply["error_type"] == "ValueError", reply

        status, reply = post(server.base, "/api/read_data", {"interface_file": "ping.yml"})
        assert status == 400 and "inherits itself" in reply["error_message"], reply
        assert "pong.yml" in reply["error_message"], reply

        status, reply = post(server.base, "/api/read_data", {"interface_file": "chain0.yml"})
        refused(status, reply, "inherit_depth")
        assert healthy(server.base)
    finally:
        server.stop()


def metric(base, name):
    """The value of an unlabelled /metrics sample (a cheap probe: answered on
    the I/O thread even while every worker is busy)."""
    with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
        text = r.read().decode()
    m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.M)
    assert m, name
    return float(m.group(1))


def test_the_deadline_stops_the_handler_and_frees_its_worker():
    # One worker, a short transport deadline, and no budget of the request's
    # own that would stop the work (no step, loop or deadline_ms limit): only
    # the --deadline reaching the Budget can end this render (10^15 loop
    # steps, years of work; ranges are clamped to 1024 items). Either the
    # transport's timer or the Budget's own clock check sees it first (under
    # load, either order happens); both are one overrun.
    root, home = fresh_fixtures()
    server = Server(root, home, ["--workers", "1", "--deadline", "2",
                                 "--limit", "liquid_loop_iterations=0",
                                 "--limit", "work_steps=0", "--limit", "deadline_ms=0"])
    try:
        assert metric(server.base, "lynguine_handlers_overrun_total") == 0
        loops = "{% for i in (1..1000) %}" * 5 + "{% endfor %}" * 5
        status, reply = render(server.base, loops)
        assert status == 503 and reply["error_type"] == "TimeoutError", reply
        assert "--deadline" in reply["error_message"], reply
        # The handler stops at its next budget check: counted as an overrun
        # that ended, and its worker is idle again (polled, generous bound).
        limit = time.time() + 120
        while time.time() < limit:
            if (metric(server.base, "lynguine_handlers_overrun_total") == 1
                    and metric(server.base, "lynguine_workers_busy") == 0):
                break
            time.sleep(0.05)
        assert metric(server.base, "lynguine_handlers_overrun_total") == 1
        assert metric(server.base, "lynguine_workers_busy") == 0
        # The same single worker serves the next request.
        status, reply = render(server.base, "{% for i in (1..3) %}{{ i }}{% endfor %}")
        assert (status, reply.get("result")) == (200, "123"), reply
        assert metric(server.base, "lynguine_handlers_overrun_total") == 1
    finally:
        server.stop()


def test_limits_that_bound_recursion_cannot_be_removed():
    # 0 ("none") or a value past what the stack takes is a short usage error
    # naming the option; the ceiling itself is accepted and still refuses the
    # issue's 50,000 parentheses by name (no stack overflow).
    root, home = fresh_fixtures()
    for name in ("liquid_nesting_depth", "inherit_depth"):
        for value in ("0", "100000", "18446744073709551615"):
            r = run_cli(["serve", "--port", "0", "--limit", "%s=%s" % (name, value)], root, home)
            err = r.stderr.decode()
            assert r.returncode == 2, err
            assert "--limit " + name in err.splitlines()[0], err
            assert len(err.splitlines()) <= 2 and r.stdout == b"", err
    server = Server(root, home, ["--limit", "liquid_nesting_depth=4000"])
    try:
        parens = "{{ " + "(" * 50000 + "1..2" + ")" * 50000 + " }}"
        status, reply = render(server.base, parens)
        refused(status, reply, "liquid_nesting_depth")
        assert "= 4000 levels" in reply["error_message"], reply
        depth = "{{ " + "(" * 3999 + "1..2" + ")" * 3999 + " | size }}"
        status, reply = render(server.base, depth)  # at the ceiling: the stack takes it
        assert status == 200, reply
        assert healthy(server.base)
    finally:
        server.stop()
