"""`lynguine read` printed as the answer is produced (issue 13): in direct
mode a large answer is never held whole (records_text.h's
print_read_answer), yet every --format prints exactly what the whole-answer
formatter prints. Through a server the answer arrives whole and that
formatter prints it, so the two modes of one binary compare the two paths
byte for byte, on a table with every kind of column (ints, ints with gaps,
floats, bools, bools with gaps, an empty column, text with commas, quotes,
line breaks and non-ASCII letters). Also: the per-request read limits are
`--limit` options (core/budget.h) and their refusals name them."""
import json
import os
import subprocess

import pytest

from conftest import BINARY, Server, child_env, fresh_fixtures, run_cli

FORMATS = ["json", "ndjson", "csv", "table"]


def write_table(path, rows):
    notes = ["", "plain", '"with, comma"', '"two\nlines"', '"say ""hi"""', "Zoë Øberg",
             "日本語"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,gappy,score,flag,maybe,empty,note\n")
        for i in range(rows):
            gappy = "" if i % 9 == 0 else str(i * 7)
            score = "%d.%02d" % (i % 1000, i % 100)
            maybe = "" if i % 11 == 0 else ("True" if i % 3 else "False")
            f.write("%d,%s,%s,%s,%s,,%s\n" % (i, gappy, score, "True" if i % 2 else "False",
                                             maybe, notes[i % len(notes)]))


@pytest.fixture(scope="module")
def table_server():
    root, home = fresh_fixtures()
    write_table(os.path.join(root, "big.csv"), 20_000)  # an answer of about 3 MB
    write_table(os.path.join(root, "small.csv"), 50)
    s = Server(root, home)
    yield s
    s.stop()


def read(server, name, fmt, through_server):
    src = json.dumps({"type": "csv", "filename": name})
    if through_server:
        env = child_env(server.home)
        env.update({"LYNGUINE_USE_SERVER": "1", "LYNGUINE_NO_FALLBACK": "1",
                    "LYNGUINE_SERVER_PORT": str(server.port)})
        r = subprocess.run([BINARY, "read", "--source", src, "--format", fmt], cwd=server.root,
                           env=env, capture_output=True, timeout=300)
    else:
        r = run_cli(["read", "--root", server.root, "--source", src, "--format", fmt],
                    server.root, server.home)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["big.csv", "small.csv"])
def test_direct_mode_prints_what_the_whole_answer_gives(table_server, name, fmt):
    before = table_server.requests("/api/read_data")
    streamed = read(table_server, name, fmt, through_server=False)
    whole = read(table_server, name, fmt, through_server=True)
    # The second came from the server (its counter), the first did not.
    assert table_server.requests("/api/read_data") == before + 1
    assert streamed == whole
    if name == "big.csv":
        if fmt == "json":  # the answer: over the size formatted whole (1 MiB)
            assert len(streamed) > (1 << 20)
        if fmt == "ndjson":
            assert streamed.count(b"\n") == 20_000
        if fmt == "csv":
            assert streamed.startswith(b"id,gappy,score,flag,maybe,empty,note\n")


def test_read_limits_are_limit_options():
    root, home = fresh_fixtures()
    write_table(os.path.join(root, "t.csv"), 200)
    s = Server(root, home, ["--limit", "max_rows=100"])
    try:
        import urllib.error
        import urllib.request
        req = urllib.request.Request(
            s.base + "/api/read_data", method="POST",
            data=json.dumps({"data_source": {"type": "csv", "filename": "t.csv"}}).encode(),
            headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=60)
        assert e.value.code == 413
        err = json.loads(e.value.read())
        assert err["error_type"] == "LimitExceeded"
        assert "max_rows" in err["error_message"]
        assert "--limit max_rows=N" in err["error_message"]
    finally:
        s.stop()
    # And max_read_bytes, in direct mode (the defaults, raised or lowered the same way).
    src = json.dumps({"type": "csv", "filename": "t.csv"})
    r = run_cli(["read", "--root", root, "--source", src], root, home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["data"]["shape"] == [200, 7]


def test_unknown_limit_names_the_read_limits():
    r = run_cli(["serve", "--limit", "max_rowz=1"], "/", fresh_fixtures()[1])
    assert r.returncode != 0
    assert b"max_rows" in r.stderr and b"max_read_bytes" in r.stderr
