"""$VAR over HTTP, against what lynguine's server does (recorded by
tests/conformance/vars/record_vars.py): values from the caller's own files
(talk fields, an interface's top-level strings) are expanded as lynguine
expands them; a path a request names is taken literally, and no answer or
error shows the server's environment."""
import json
import os
import urllib.error
import urllib.request

import pytest

from conftest import CONFORMANCE, Server, fresh_fixtures

RECORDED = json.load(open(os.path.join(CONFORMANCE, "vars", "cases.json")))
SECRET = RECORDED["env"]["LYN_VAR_SECRET"]


def post(base, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture(scope="module")
def server():
    root, home = fresh_fixtures()
    for rel, text in RECORDED["files"].items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    saved = {k: os.environ.get(k) for k in RECORDED["env"]}
    os.environ.update(RECORDED["env"])  # the server inherits it (conftest.child_env)
    try:
        s = Server(root, home)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield s
    s.stop()


def case(name):
    return next(c for c in RECORDED["cases"] if c["name"] == name)


@pytest.mark.parametrize("name", ["talk-field-value", "talk-field-braced", "talk-field-nested",
                                  "talk-field-unset", "interface-top", "interface-nested"])
def test_values_from_the_callers_own_files_expand_as_lynguine(server, name):
    c = case(name)
    status, reply = post(server.base, c["path"], c["body"])
    assert (status, reply) == (c["status"], c["response"])


def test_an_interface_files_directory_source_expands(server):
    # lynguine expands it too, then joins it twice (its known bug: sub/sub/a.md).
    c = case("interface-input-source")
    assert "sub/sub/a.md" in c["response"]["error_message"]
    status, reply = post(server.base, c["path"], c["body"])
    assert status == 200, reply
    assert [r["name"] for r in reply["data"]["records"]] == ["a"]


@pytest.mark.parametrize("name", [c["name"] for c in RECORDED["cases"]
                                  if c["name"].startswith("request-")])
def test_request_paths_are_literal_and_errors_never_show_the_environment(server, name):
    c = case(name)
    status, reply = post(server.base, c["path"], c["body"])
    text = json.dumps(reply)
    assert SECRET not in text, (status, text)
    if name == "request-source-directory":  # lynguine read sub/ (as sub/sub); we do not
        assert status != 200 or reply["data"]["records"] == [], (status, text)
    if name == "request-interface-directory":  # lynguine's error shows the secret
        assert c["echoes_secret"]
        assert status == 404 and "$LYN_VAR_SECRET" in text, (status, text)


def test_a_url_path_is_literal_and_the_server_still_answers(server):
    # A $VAR in the URL itself (a session id) is no more expanded than one in
    # a body; the server answers /api/health after every hostile request.
    req = urllib.request.Request(server.base + "/api/sessions/$LYN_VAR_SECRET", method="GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    assert status == 404 and SECRET not in text, (status, text)
    with urllib.request.urlopen(server.base + "/api/health", timeout=30) as r:
        assert r.status == 200
