"""Answers streamed to the socket (issue 13.2): a large read_data answer goes
out chunked as the server produces it, and parses to the same JSON that the
direct mode (Api::handle, the answer built whole) prints; a small one keeps
its Content-Length; HTTP/1.0 gets the body unframed up to the close; a
client that does not read makes the server pause, holding at most its
stream queue (the server's own metric, not a timing, proves it); an answer
over --max-response-bytes is refused 507 before anything is sent."""
import http.client
import json
import os
import re
import socket
import time
import urllib.request

import pytest

from conftest import BINARY, Server, child_env, fresh_fixtures, run_cli

# The server's defaults (src/server/http_server.h, src/app/api_adapter.cc).
STREAM_QUEUE = 256 << 10
WHOLE_BELOW = 256 << 10


def write_csv(path, rows):
    """A CSV of `rows` rows (about 60 bytes each): ints, floats with gaps,
    text with commas, quotes and non-ASCII letters, booleans."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,name,score,note,flag\n")
        for i in range(rows):
            score = "" if i % 7 == 0 else "%d.%d" % (i % 100, i % 10)
            note = '"a, ""quoted"" note"' if i % 5 == 0 else "Zoë %d" % (i * 31 % 1000)
            f.write("%d,name %d,%s,%s,%s\n" % (i, i, score, note, "True" if i % 2 else "False"))


@pytest.fixture(scope="module")
def big_server():
    root, home = fresh_fixtures()
    write_csv(os.path.join(root, "big.csv"), 200_000)  # an answer of about 18 MB
    write_csv(os.path.join(root, "mid.csv"), 5_000)  # about 0.7 MB
    write_csv(os.path.join(root, "small.csv"), 100)
    s = Server(root, home)
    yield s
    s.stop()


def read_body(name):
    return json.dumps({"data_source": {"type": "csv", "filename": name}}).encode()


def direct_answer(server, name):
    """What `lynguine read` prints in direct mode (the answer built whole)."""
    src = json.dumps({"type": "csv", "filename": name})
    r = run_cli(["read", "--root", server.root, "--source", src], server.root, server.home)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith(b"\n")
    return r.stdout[:-1]


def metric(server, name):
    with urllib.request.urlopen(server.base + "/metrics", timeout=30) as r:
        text = r.read().decode()
    m = re.search(r"^%s (\S+)$" % name, text, re.M)
    assert m, name + " missing from /metrics"
    return float(m.group(1))


def post(server, name, version=11):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    if version == 10:
        conn._http_vsn, conn._http_vsn_str = 10, "HTTP/1.0"
    conn.request("POST", "/api/read_data", body=read_body(name),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    body = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, headers, body


def test_large_answer_is_chunked_and_the_same_json(big_server):
    streamed_before = metric(big_server, "lynguine_streamed_answers_total")
    status, headers, body = post(big_server, "mid.csv")
    assert status == 200
    assert headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in headers
    assert body == direct_answer(big_server, "mid.csv")  # byte for byte
    data = json.loads(body)["data"]
    assert data["shape"] == [5000, 5] and len(data["records"]) == 5000
    assert metric(big_server, "lynguine_streamed_answers_total") == streamed_before + 1


def test_small_answer_keeps_its_content_length(big_server):
    status, headers, body = post(big_server, "small.csv")
    assert status == 200
    assert "transfer-encoding" not in headers
    assert int(headers["content-length"]) == len(body) < WHOLE_BELOW
    assert body == direct_answer(big_server, "small.csv")


def test_http10_gets_the_body_up_to_the_close(big_server):
    status, headers, body = post(big_server, "mid.csv", version=10)
    assert status == 200
    assert "transfer-encoding" not in headers and "content-length" not in headers
    assert body == direct_answer(big_server, "mid.csv")


def test_keep_alive_after_a_streamed_answer(big_server):
    conn = http.client.HTTPConnection("127.0.0.1", big_server.port, timeout=120)
    try:
        for name in ("mid.csv", "small.csv", "mid.csv"):
            conn.request("POST", "/api/read_data", body=read_body(name),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            assert r.status == 200
            assert json.loads(r.read())["status"] == "success"
    finally:
        conn.close()


def test_our_client_reads_a_streamed_answer(big_server):
    """`lynguine read` through the server (our HTTP client decodes chunks)."""
    src = json.dumps({"type": "csv", "filename": "mid.csv"})
    env = child_env(big_server.home)
    env.update({"LYNGUINE_USE_SERVER": "1", "LYNGUINE_NO_FALLBACK": "1",
                "LYNGUINE_SERVER_PORT": str(big_server.port)})
    import subprocess
    r = subprocess.run([BINARY, "read", "--source", src], cwd=big_server.root, env=env,
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout[:-1] == direct_answer(big_server, "mid.csv")


def test_a_client_that_does_not_read_holds_a_bounded_queue(big_server):
    """The client asks for an 18 MB answer and reads nothing: once the kernel's
    buffers are full the server's queue for the connection fills up to its
    bound and production pauses. Without backpressure the producer would run
    to the end and queue all of it (the peak metric would show megabytes)."""
    expected_size = len(direct_answer(big_server, "big.csv"))
    assert expected_size > 64 * STREAM_QUEUE  # well over what the kernel buffers
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the kernel fills
    s.connect(("127.0.0.1", big_server.port))
    try:
        body = read_body("big.csv")
        s.sendall(b"POST /api/read_data HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\nConnection: close\r\n"
                  b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        # Wait (generously: the machine may be loaded) until the server holds
        # pieces it cannot write: the client's stall has reached it.
        deadline = time.time() + 120
        while metric(big_server, "lynguine_stream_queued_bytes") < STREAM_QUEUE // 2:
            assert time.time() < deadline, "the server never queued the stalled answer"
            time.sleep(0.05)
        # Now read it all: the answer is complete and correct.
        s.settimeout(120)
        chunks = []
        while True:
            got = s.recv(1 << 20)
            if not got:
                break
            chunks.append(got)
    finally:
        s.close()
    raw = b"".join(chunks)
    head, _, chunked = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    body, rest = b"", chunked
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        n = int(size_line, 16)
        if n == 0:
            break
        body += rest[:n]
        assert rest[n:n + 2] == b"\r\n"
        rest = rest[n + 2:]
    assert len(body) == expected_size
    assert json.loads(body)["data"]["shape"] == [200000, 5]
    # The bound: the queue limit plus one piece (the first piece carries up
    # to WHOLE_BELOW and a row of body); never the answer.
    peak = metric(big_server, "lynguine_stream_queued_peak_bytes")
    assert STREAM_QUEUE // 2 <= peak <= STREAM_QUEUE + WHOLE_BELOW + (128 << 10)


def test_streamed_answer_over_the_response_limit_is_507_before_it_starts():
    root, home = fresh_fixtures()
    write_csv(os.path.join(root, "mid.csv"), 5_000)
    s = Server(root, home, ["--max-response-bytes", "400000"])
    try:
        status, headers, body = post(s, "mid.csv")
        assert status == 507
        assert "content-length" in headers
        err = json.loads(body)
        assert err["error_type"] == "ResponseTooLarge"
        assert "--max-response-bytes" in err["error_message"]
    finally:
        s.stop()
