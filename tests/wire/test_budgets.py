"""Request budgets over HTTP: hostile requests get a named 4xx refusal (or a
correct answer) from a real server, which goes on answering. The checks are
on the answers, not on time. (python-liquid's own limits, recorded, run over
HTTP in test_liquid_http.py.)"""
import json
import os
import urllib.error
import urllib.request

from conftest import Server, fresh_fixtures


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


def render(base, template):
    return post(base, "/api/compute",
                {"operation": "render_liquid", "params": {"template": template, "context": {}}})


def test_hostile_templates_are_refused_by_name_and_the_server_lives_on():
    root, home = fresh_fixtures()
    server = Server(root, home)
    try:
        parens = "{{ " + "(" * 50000 + "1..2" + ")" * 50000 + " }}"  # the 100 KB template
        status, reply = render(server.base, parens)
        assert status == 422, reply
        assert reply["error_type"] == "ResourceLimitError"
        assert "liquid_nesting_depth" in reply["error_message"]
        assert healthy(server.base)

        status, reply = render(server.base, "{% if " + "true and " * 50000 + "true %}y{% endif %}")
        assert (status, reply.get("result")) == (200, "y"), reply

        loops = ("{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}"
                 "{% endfor %}{% endfor %}{% endfor %}")
        status, reply = render(server.base, loops)
        assert status == 422 and reply["error_type"] == "LoopIterationLimitError", reply
        assert "liquid_loop_iterations" in reply["error_message"]

        doubling = ("{% assign s = 'ab' %}{% for i in (1..64) %}{% assign s = s | append: s %}"
                    "{% endfor %}{{ s | size }}")
        status, reply = render(server.base, doubling)
        assert status == 422 and reply["error_type"] == "OutputStreamLimitError", reply

        squaring = ("{% assign x = 3 %}{% for i in (1..64) %}{% assign x = x | times: x %}"
                    "{% endfor %}{{ x | modulo: 7 }}")
        status, reply = render(server.base, squaring)
        assert status == 422 and "liquid_integer_digits" in reply["error_message"], reply
        assert healthy(server.base)
    finally:
        server.stop()


def test_catastrophic_regexp_and_inherit_cycle_over_http():
    root, home = fresh_fixtures()
    os.makedirs(os.path.join(root, "cat"))
    name = "a" * 200 + "!.md"  # (a+)+$ backtracks 2^200 ways on it
    for n in (name, "aaa.md"):
        with open(os.path.join(root, "cat", n), "w") as f:
            f.write("---\ntitle: t\n---\n")
    with open(os.path.join(root, "loop.yml"), "w") as f:
        f.write("inherit: {directory: ., filename: loop.yml}\n")
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

        status, reply = post(server.base, "/api/read_data", {"interface_file": "loop.yml"})
        assert status == 400 and "inherits itself" in reply["error_message"], reply
        assert healthy(server.base)
    finally:
        server.stop()
