"""The command line as a user meets it: help, version, exit codes, errors on
stderr in lynguine's shape, and bad input that must never crash."""
import json
import os

import pytest

from conftest import BINARY, fresh_fixtures, run_cli


@pytest.fixture(scope="module")
def fx():
    return fresh_fixtures()


def test_version(fx):
    r = run_cli(["--version"], *fx)
    assert r.returncode == 0
    assert r.stdout.decode().startswith("lynguine ")


@pytest.mark.parametrize("cmd", ["field", "mdfield", "read", "write", "call", "serve"])
def test_every_subcommand_has_help(cmd, fx):
    r = run_cli([cmd, "--help"], *fx)
    assert r.returncode == 0, r.stderr
    assert b"usage: lynguine" in r.stdout


def test_unknown_command_is_a_usage_error(fx):
    r = run_cli(["frobnicate"], *fx)
    assert r.returncode == 2
    assert b"unknown command" in r.stderr


def test_invoked_as_mdfield(fx):
    root, home = fx
    link = os.path.join(os.path.dirname(BINARY), "mdfield")
    import subprocess
    from conftest import child_env
    r = subprocess.run([link, "title", "talks/gp-intro.md"], cwd=root, env=child_env(home),
                       capture_output=True)
    assert r.stdout == b"Introduction to Gaussian Processes\n"


def error_of(r):
    assert r.returncode == 1
    body = json.loads(r.stderr.decode())
    assert body["status"] == "error"
    return body


def test_missing_markdown_prints_an_empty_line_like_mdfield(fx):
    r = run_cli(["field", "title", "talks/nothing.md"], *fx)
    assert r.returncode == 0
    assert r.stdout == b"\n"


def test_read_errors_name_the_problem(fx):
    root, home = fx
    body = error_of(run_cli(["read", "--source", '{"type":"csv","filename":"data/nothing.csv"}'],
                            root, home))
    assert body["error_type"] == "FileNotFoundError"
    assert "data/nothing.csv" in body["error_message"]
    body = error_of(run_cli(["read", "--source", '{"type":"json","filename":"/etc/passwd"}'],
                            root, home))
    assert body["error_type"] == "PathEscapeError"
    body = error_of(run_cli(["read", "--source", '{"type":"csv"'], root, home))
    assert body["error_type"] == "JSONDecodeError"
    body = error_of(run_cli(["read", "--source", '{"type":"spreadsheet","filename":"x"}'],
                            root, home))
    assert body["error_message"] == 'Unknown type "spreadsheet" in read_data.'


def test_bad_files_are_errors_not_crashes(fx):
    root, home = fx
    with open(os.path.join(root, "binary.md"), "wb") as f:
        f.write(bytes(range(256)) * 64)
    with open(os.path.join(root, "broken.yml"), "w") as f:
        f.write("a: [1, 2\nb: {\n")
    with open(os.path.join(root, "unterminated.md"), "w") as f:
        f.write("---\ntitle: x\n")
    r = run_cli(["read", "--source", '{"type":"markdown","filename":"binary.md"}'], root, home)
    assert "UTF-8" in error_of(r)["error_message"]
    # lynguine's read_yaml_file logs a YAMLError and reads the file as {}:
    # one row without columns (recorded: diff/yaml/rejected-data-file-reads-as-empty).
    r = run_cli(["read", "--source", '{"type":"yaml","filename":"broken.yml"}'], root, home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["data"] == {"records": [], "columns": [], "shape": [1, 0],
                                            "dtypes": {}}
    # An unterminated header is no header: the whole text is the content.
    r = run_cli(["read", "--source", '{"type":"markdown","filename":"unterminated.md"}'],
                root, home)
    assert r.returncode == 0
    assert json.loads(r.stdout)["data"]["records"] == [{"content": "---\ntitle: x"}]
    r = run_cli(["field", "title", "binary.md"], root, home)
    assert r.returncode == 0 and r.stdout == b"\n"


def test_read_by_interface_and_write_round_trip(fx):
    root, home = fx
    r = run_cli(["read", "--interface", "flows.yml", "--field", "papers"], root, home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["data"]["columns"] == ["key", "title", "year"]
    records = json.dumps([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    r = run_cli(["write", "--output", '{"type":"json","filename":"w.json"}', "--data", records],
                root, home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"status": "success", "message": "Wrote 2 records"}
    r = run_cli(["read", "--source", '{"type":"json","filename":"w.json"}'], root, home)
    assert json.loads(r.stdout)["data"]["records"] == json.loads(records)
