"""Sessions are capabilities (issue 12, item 7): a server shared by API keys
gives each key its own sessions. Each attack is shown failing next to the
owner's control request that succeeds:

- session ids come from the secure random source (uuid4 form, no repeats);
- another key neither lists nor reads, moves, writes or deletes them (to it
  they do not exist: 404, as an unknown id);
- a read key cannot move a cursor (set_index, set_column, set_selector,
  set_subindex need write rights: 403) nor ask for a session that never
  expires (timeout 0: 403);
- one key cannot fill the session table for the others (per-key quota).
"""
import json
import os
import re
import urllib.error
import urllib.request

import pytest

from conftest import Server, fresh_fixtures

ALICE = "alice-write-key-0123456789abcdef"
CAROL = "carol-write-key-0123456789abcdef"
BOB = "bob-read-key-0123456789abcdef"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def server():
    root, home = fresh_fixtures()
    keys = os.path.join(home, "keys.yml")
    with open(keys, "w") as f:
        f.write("- {name: alice, key: %s, rights: write}\n"
                "- {name: carol, key: %s, rights: write}\n"
                "- {name: bob, key: %s, rights: read}\n" % (ALICE, CAROL, BOB))
    s = Server(root, home, extra_args=["--api-keys", keys])
    yield s
    s.stop()


def call(server, key, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer " + key})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def create(server, key, **extra):
    status, body = call(server, key, "POST", "/api/sessions",
                        {"interface_file": "_lynguine.yml", **extra})
    assert status == 200, body
    return body["session"]["session_id"]


def test_ids_are_random_uuid4(server):
    ids = [create(server, ALICE) for _ in range(5)]
    assert all(UUID4.match(i) for i in ids), ids
    assert len(set(ids)) == 5
    for i in ids:
        assert call(server, ALICE, "DELETE", "/api/sessions/" + i)[0] == 200


def test_other_keys_neither_list_nor_touch(server):
    sid = create(server, ALICE)
    try:
        listed = call(server, ALICE, "GET", "/api/sessions")[1]["sessions"]
        assert sid in [s["session_id"] for s in listed]  # control: the owner sees it
        for key in (CAROL, BOB):
            listed = call(server, key, "GET", "/api/sessions")[1]
            assert sid not in json.dumps(listed)
            status, body = call(server, key, "GET", "/api/sessions/" + sid)
            assert status == 404 and body["error_type"] == "KeyError", body
            status, body = call(server, key, "POST", "/api/sessions/%s/get_shape" % sid, {})
            assert status == 404, body
        # Another writer cannot move, write or delete it either.
        assert call(server, CAROL, "POST", "/api/sessions/%s/set_index" % sid,
                    {"index": 0})[0] == 404
        assert call(server, CAROL, "POST", "/api/sessions/%s/set_value" % sid,
                    {"value": "x"})[0] == 404
        assert call(server, CAROL, "DELETE", "/api/sessions/" + sid)[0] == 404
        # Control: the owner still has it, unchanged.
        status, body = call(server, ALICE, "POST", "/api/sessions/%s/get_shape" % sid, {})
        assert status == 200, body
    finally:
        assert call(server, ALICE, "DELETE", "/api/sessions/" + sid)[0] == 200


def test_read_key_cannot_move_cursors_or_pin_sessions(server):
    sid = create(server, BOB)  # a read key may hold (expiring) sessions of its own
    try:
        for op, body in (("set_index", {"index": 0}), ("set_column", {"column": "x"}),
                         ("set_selector", {"selector": "x"}), ("set_subindex", {"subindex": 0})):
            status, answer = call(server, BOB, "POST", "/api/sessions/%s/%s" % (sid, op), body)
            assert status == 403, (op, answer)
        status, body = call(server, BOB, "POST", "/api/sessions",
                            {"interface_file": "_lynguine.yml", "timeout": 0})
        assert status == 403 and "write rights" in body["error_message"], body
        # Control: a writer may move its cursor and pin a session.
        pinned = create(server, ALICE, timeout=0)
        status, body = call(server, ALICE, "POST", "/api/sessions/%s/set_index" % pinned,
                            {"index": call(server, ALICE, "POST",
                                           "/api/sessions/%s/get_indices" % pinned,
                                           {})[1]["indices"][0]})
        assert status == 200, body
        assert call(server, ALICE, "DELETE", "/api/sessions/" + pinned)[0] == 200
    finally:
        call(server, BOB, "DELETE", "/api/sessions/" + sid)


def test_one_key_cannot_fill_the_table(server):
    made = []
    try:
        while True:
            status, body = call(server, CAROL, "POST", "/api/sessions",
                                {"interface_file": "_lynguine.yml"})
            if status != 200:
                break
            made.append(body["session"]["session_id"])
            assert len(made) <= 100, "no quota"
        assert status == 429 and "per API key" in body["error_message"], body
        assert 0 < len(made) < 100  # below the whole table's limit
        # Control: another key can still create one.
        other = create(server, ALICE)
        assert call(server, ALICE, "DELETE", "/api/sessions/" + other)[0] == 200
    finally:
        for sid in made:
            call(server, CAROL, "DELETE", "/api/sessions/" + sid)
