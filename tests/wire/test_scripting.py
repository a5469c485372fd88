"""Scriptable output (issue 15, point 6): `read --format json|ndjson|csv|table`,
`write --data -` reading stdin, `read | write` round-tripping through a shell
pipe, `field --batch --json` as one JSON object (the mdfield personality
unchanged), and `serve --status --json` printing JSON whether or not a server
runs."""
import csv
import io
import json
import os
import shlex
import subprocess

import pytest

from conftest import BINARY, Server, child_env, fresh_fixtures, run_cli

CSV = {"type": "csv", "filename": "data/attendance.csv"}


@pytest.fixture
def fx():
    return fresh_fixtures()


def read(fx, *args):
    root, home = fx
    r = run_cli(["read", *args], root, home)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode()


def answer(fx, source):
    return json.loads(read(fx, "--source", json.dumps(source)))["data"]


def test_read_formats(fx):
    data = answer(fx, CSV)
    src = json.dumps(CSV)
    ndjson = read(fx, "--source", src, "--format", "ndjson").splitlines()
    assert [json.loads(line) for line in ndjson] == data["records"]
    assert all(list(json.loads(line)) == data["columns"] for line in ndjson)
    rows = list(csv.reader(io.StringIO(read(fx, "--source", src, "--format", "csv"))))
    assert rows[0] == data["columns"]
    assert len(rows) == 1 + data["shape"][0]
    assert rows[1][0] == str(data["records"][0]["id"])
    table = read(fx, "--source", src, "--format", "table").splitlines()
    assert table[0].split() == data["columns"]
    assert set(table[1].replace(" ", "")) == {"-"}
    assert len(table) == 2 + data["shape"][0]
    # Every line is as wide as the header's rule: the columns line up.
    assert table[2].index(str(data["records"][0]["session"])) == table[0].index("session")


def test_read_format_is_checked(fx):
    root, home = fx
    r = run_cli(["read", "--source", json.dumps(CSV), "--format", "xml"], root, home)
    assert r.returncode == 2
    assert b"--format" in r.stderr and len(r.stderr.splitlines()) <= 3


def shell(fx, command):
    root, home = fx
    return subprocess.run(["/bin/sh", "-c", command], cwd=root, env=child_env(home),
                          capture_output=True, timeout=120)


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_read_pipes_into_write(fx, fmt):
    root, _ = fx
    before = answer(fx, CSV)
    out = {"type": "csv", "filename": "copy-%s.csv" % fmt}
    b = shlex.quote(BINARY)
    r = shell(fx, "%s read --source %s --format %s | %s write --output %s --data -" % (
        b, shlex.quote(json.dumps(CSV)), fmt, b, shlex.quote(json.dumps(out))))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "success"
    after = answer(fx, out)
    assert after == before
    with open(os.path.join(root, "data", "attendance.csv"), "rb") as f:
        original = f.read()
    with open(os.path.join(root, "copy-%s.csv" % fmt), "rb") as f:
        assert f.read() == original


def test_write_data_from_stdin_forms(fx):
    root, home = fx
    out = json.dumps({"type": "json", "filename": "w.json"})
    for text in ('[{"a": 1, "b": "x"}]', '{"records": [{"a": 1, "b": "x"}]}',
                 '{"a": 1, "b": "x"}\n', '{"a": 1, "b": "x"}\n\n'):
        r = run_cli(["write", "--output", out, "--data", "-"], root, home,
                    input_text=text.encode())
        assert r.returncode == 0, (text, r.stderr)
        assert answer(fx, {"type": "json", "filename": "w.json"})["records"] == \
            [{"a": 1, "b": "x"}]
    r = run_cli(["write", "--output", out, "--data", "-"], root, home,
                input_text=b'{"a": 1}\nnot json\n')
    assert r.returncode == 1
    assert b"line 2" in r.stderr


def test_field_batch_json_is_one_object(fx):
    root, home = fx
    talk = "talks/gp-intro.md"
    r = run_cli(["field", "--batch", talk, "--fields", "title", "categories", "nothing",
                 "--json"], root, home)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert list(got) == ["title", "categories", "nothing"]
    for f in got:
        one = run_cli(["field", f, talk, "--json"], root, home)
        assert json.loads(one.stdout) == got[f]
    # Without --json the batch lines are mdfield's, unchanged.
    r = run_cli(["field", "--batch", talk, "--fields", "title"], root, home)
    assert r.stdout == b"title:Introduction to Gaussian Processes\n"


def status_json(home, state_dir=None):
    r = subprocess.run([BINARY, "serve", "--status", "--json"], env=child_env(home, state_dir),
                       capture_output=True, timeout=60)
    return r.returncode, json.loads(r.stdout)


def test_serve_status_json_always_json(fx):
    root, home = fx
    rc, st = status_json(home)
    assert rc == 1 and st["alive"] is False and st["reason"] == "not running"
    s = Server(root, home)
    try:
        rc, st = status_json(home)
        assert rc == 0 and st["alive"] is True and st["pid"] == s.proc.pid
        assert st["port"] == s.port and "token" not in st
    finally:
        s.stop()
    rc, st = status_json(home)
    assert rc == 1 and st["alive"] is False


def test_daemon_prints_its_url(fx):
    root, home = fx
    env = child_env(home)
    r = subprocess.run([BINARY, "serve", "--daemon", "--port", "0", "--root", root], env=env,
                       capture_output=True, text=True, timeout=60)
    try:
        assert r.returncode == 0, r.stderr
        url = r.stdout.strip()
        assert r.stdout.count("\n") == 1 and url.startswith("http://127.0.0.1:"), r.stdout
        rc, st = status_json(home)
        assert rc == 0 and url == "http://127.0.0.1:%d" % st["port"]
        import urllib.request
        with urllib.request.urlopen(url + "/api/health", timeout=30) as h:
            assert h.headers["X-Lynguine-Pid"] == str(st["pid"])
    finally:
        subprocess.run([BINARY, "serve", "--stop"], env=env, capture_output=True, timeout=60)
