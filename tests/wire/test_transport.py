"""The transport under attack (issue 12 items 4 and 8, issue 11 item 3, issue
13's handlers off the I/O threads), against a real `lynguine serve`:

- slowloris (65 connections that each sent one byte) and 1,030 idle sockets
  no longer deny service: another client still gets /api/health and
  /api/ping answered 200 while they stay open;
- a Transfer-Encoding other than one "chunked" is answered 400 and the
  connection closed (the body is never parsed as a second request);
- a request not answered within --deadline is answered 503 naming the option;
- refusals (401, 429, 403) are logged (reason, key name, address, never the
  secret) and counted in /metrics; rate limits are keyed on the API key, or
  behind --trusted-proxy on the forwarded address;
- a server whose stderr is a pipe nobody reads answers thousands of logged
  requests (the log drops lines, counted, instead of blocking).

Timing targets (health within 50 ms under attack) are bench rows
(bench/transport_attack.py), not assertions here: the bounds below are
generous deadlines for a loaded machine."""
import json
import os
import re
import resource
import socket
import time
import urllib.request

import pytest

from conftest import temp_dir
from test_security import CSV_IN_ROOT, J, Setup, error_type, http, raw, start, stop

WRITE_KEY = "wkey-0123456789abcdef0123456789"
READ_KEY = "rkey-0123456789abcdef0123456789"


def metrics(port, headers=None):
    status, _, body = http(port, "GET", "/metrics", headers=headers)
    assert status == 200, body
    return body.decode()


def sample(text, name):
    """The value of one series (name with labels, exactly), or 0 if absent."""
    m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.M)
    return float(m.group(1)) if m else 0.0


def still_open(sock):
    """Whether the server has neither closed nor answered `sock`."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)  # b"": closed; bytes: answered
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def read_to_close(sock):
    """Everything the server sends until it closes the connection."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def connect_many(port, n, first_bytes=b""):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if first_bytes:
            s.sendall(first_bytes)
        socks.append(s)
    return socks


def answered_within(port, path, seconds):
    """Status of GET `path` retried until 200 or `seconds` pass (a loaded
    machine may be slow; a denial of service would last far longer)."""
    deadline = time.time() + seconds
    status = 0
    while time.time() < deadline:
        try:
            status = http(port, "GET", path)[0]
        except OSError:
            status = -1
        if status == 200:
            return 200
        time.sleep(0.05)
    return status


def test_slowloris_does_not_deny_service():
    setup = Setup()
    # Timeouts far beyond the test: the attack stays in place throughout, so
    # the answers below cannot come from the server cutting it off.
    proc, port = start(setup, ["--header-timeout", "300", "--request-timeout", "300"])
    socks = []
    try:
        socks = connect_many(port, 65, b"G")
        time.sleep(0.2)  # let the server read the first bytes
        assert answered_within(port, "/api/health", 30) == 200
        assert answered_within(port, "/api/ping", 30) == 200
        status, _, body = http(port, "POST", "/api/read_data", {"data_source": CSV_IN_ROOT}, J)
        assert status == 200, body
        assert all(still_open(s) for s in socks), "the attack was cut off, proving nothing"
    finally:
        for s in socks:
            s.close()
        stop(proc)


def test_idle_sockets_do_not_deny_service():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1030 + 200
    if soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            pytest.fail("RLIMIT_NOFILE hard limit %d is below the %d this test needs" % (hard, want))
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    setup = Setup()
    proc, port = start(setup, ["--keep-alive-timeout", "300"])
    socks = []
    try:
        socks = connect_many(port, 1030)
        assert answered_within(port, "/api/health", 30) == 200
        assert answered_within(port, "/api/ping", 30) == 200
        text = metrics(port)
        # Room was made by closing the quietest idle sockets, not by timeouts.
        assert sample(text, "lynguine_connections_evicted_total") >= 1030 - 128
        assert sample(text, 'lynguine_refusals_total{reason="evicted"}') >= 1030 - 128
        assert sample(text, 'lynguine_refusals_total{reason="idle_timeout"}') == 0
    finally:
        for s in socks:
            s.close()
        stop(proc)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("framing", [
    b"Transfer-Encoding: gzip\r\n",
    b"Transfer-Encoding: gzip, chunked\r\n",
    b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    b"Transfer-Encoding: identity\r\n",
])
def test_unsupported_transfer_encoding_is_400_and_closed(framing):
    setup = Setup()
    proc, port = start(setup)
    try:
        smuggled = b"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        request = (b"POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + b"\r\n" +
                   smuggled)
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            s.sendall(request)
            got = read_to_close(s)
        assert got.startswith(b"HTTP/1.1 400 "), got
        assert b"Connection: close" in got
        assert got.count(b"HTTP/1.1 ") == 1, "the body was answered as a second request"
        # The reason names the framing (Beast itself refuses some, e.g.
        # chunked with a Content-Length, as "bad Content-Length").
        assert b"Transfer-Encoding" in got or b"bad Content-Length" in got, got
        # A well-formed chunked body still works.
        body = b'{"data_source": {"type": "csv", "filename": "data/people.csv"}}'
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        status, _, answer = raw(port, b"POST /api/read_data HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                b"Connection: close\r\n\r\n" + chunked)
        assert status == 200, answer
        # Two Transfer-Encoding headers Beast itself refuses as malformed.
        m = metrics(port)
        assert (sample(m, 'lynguine_refusals_total{reason="bad_framing"}') +
                sample(m, 'lynguine_refusals_total{reason="malformed"}')) == 1
    finally:
        stop(proc)


def test_deadline_exceeded_is_503_naming_the_option():
    setup = Setup()
    # A 1 ms deadline and a 200,000-row CSV: no machine parses it that fast.
    with open(os.path.join(setup.root, "big.csv"), "w") as f:
        f.write("a,b,c\n")
        for i in range(200_000):
            f.write("%d,row %d,%d.5\n" % (i, i, i))
    proc, port = start(setup, ["--deadline", "0.001"])
    try:
        status, _, body = http(port, "POST", "/api/read_data",
                               {"data_source": {"type": "csv", "filename": "big.csv"}}, J)
        assert status == 503, body
        assert error_type(body) == "TimeoutError"
        assert "--deadline" in json.loads(body)["error_message"]
        # The server goes on answering (health on the I/O thread, ping too).
        assert answered_within(port, "/api/health", 30) == 200
        assert sample(metrics(port), 'lynguine_refusals_total{reason="deadline"}') >= 1
    finally:
        stop(proc)


@pytest.fixture
def keyed_logged():
    setup = Setup()
    keys = os.path.join(temp_dir(), "keys.yml")
    with open(keys, "w") as f:
        f.write("- {name: writer, key: %s, rights: write}\n"
                "- {name: reader, key: %s, rights: read}\n" % (WRITE_KEY, READ_KEY))
    os.chmod(keys, 0o600)
    log = os.path.join(temp_dir(), "server.log")
    proc, port = start(setup, ["--api-keys", keys, "--rate-limit", "2", "--log-file", log,
                               "--trusted-proxy", "127.0.0.2"])
    yield port, log
    stop(proc)


def wait_for_log(log, pattern, seconds=20):
    deadline = time.time() + seconds
    text = ""
    while time.time() < deadline:
        with open(log) as f:
            text = f.read()
        if re.search(pattern, text):
            return text
        time.sleep(0.05)
    raise AssertionError("no %r in the log:\n%s" % (pattern, text))


def test_refusals_are_logged_and_counted(keyed_logged):
    port, log = keyed_logged
    w = {"X-API-Key": WRITE_KEY}
    wrong = "guess-not-a-key-42"
    assert http(port, "GET", "/api/ping", headers={"X-API-Key": wrong})[0] == 401
    status, _, _ = http(port, "POST", "/api/write_data",
                        {"data_source": {"type": "csv", "filename": "x.csv"}, "data": []},
                        {"X-API-Key": READ_KEY, **J})
    assert status == 403
    text = wait_for_log(log, r"reason=forbidden")
    assert re.search(r"WARNING refused reason=unauthorized status=401 principal=\"?\"? "
                     r"address=127\.0\.0\.1", text), text
    assert re.search(r"reason=forbidden status=403 principal=key:reader address=127\.0\.0\.1",
                     text), text
    for secret in (wrong, READ_KEY, WRITE_KEY):
        assert secret not in text
    time.sleep(1.1)  # the rate limit's bucket refills before /metrics is read
    m = metrics(port, w)
    assert sample(m, 'lynguine_refusals_total{reason="unauthorized"}') == 1
    assert sample(m, 'lynguine_refusals_total{reason="forbidden"}') == 1


def test_rate_limits_are_keyed_on_the_key_and_forwarded_address(keyed_logged):
    port, log = keyed_logged
    w = {"X-API-Key": WRITE_KEY}
    r = {"X-API-Key": READ_KEY}
    # The writer exhausts its own bucket (rate 2/s, burst 2) ...
    statuses = [http(port, "GET", "/api/ping", headers=w)[0] for _ in range(8)]
    assert 429 in statuses
    # ... which leaves the reader's untouched, from the same address.
    assert http(port, "GET", "/api/ping", headers=r)[0] == 200
    wait_for_log(log, r"reason=rate_limited status=429 principal=key:writer")
    # X-Forwarded-For from an untrusted peer (127.0.0.1) is ignored: guesses
    # claiming different clients share one bucket, the peer's.
    guesses = [http(port, "GET", "/api/ping",
                    headers={"X-API-Key": "bad%d" % i, "X-Forwarded-For": "10.0.0.%d" % i})[0]
               for i in range(8)]
    assert 429 in guesses
    text = wait_for_log(log, r"reason=rate_limited status=429 principal=\"?\"? address=127\.0\.0\.1")
    assert "10.0.0." not in text


def test_rate_limit_behind_a_trusted_proxy_uses_the_forwarded_address(keyed_logged):
    port, log = keyed_logged

    def via_proxy(client, key="wrong-key"):
        # From 127.0.0.2, the --trusted-proxy: its X-Forwarded-For counts.
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
            s.settimeout(20)
            s.connect(("127.0.0.1", port))
            s.sendall(("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: %s\r\n"
                       "X-Forwarded-For: 203.0.113.9, %s\r\nConnection: close\r\n\r\n"
                       % (key, client)).encode())
            data = read_to_close(s)
        return int(data.split()[1])

    guesser = [via_proxy("10.1.1.1") for _ in range(8)]
    assert 429 in guesser
    # Another client behind the same proxy is not locked out by the guesser.
    assert via_proxy("10.2.2.2") == 401
    wait_for_log(log, r"reason=rate_limited status=429 principal=\"?\"? address=10\.1\.1\.1")
    # The log is written by its own thread: wait for the later line too.
    text = wait_for_log(log, r"address=10\.2\.2\.2")
    assert "address=203.0.113.9" not in text  # the client's own claim, left of the proxy's


def test_log_to_a_pipe_nobody_reads_never_blocks_requests():
    setup = Setup()
    # Not --quiet: an access line per request, to stderr, a pipe start()
    # never reads. Long targets make each line about 2 KB: the pipe (64 KiB)
    # and the log's queue fill long before the requests end.
    proc, port = start(setup, ["--log-level", "info"])
    try:
        pad = "x" * 2000
        n = 2500
        done = 0
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            f = s.makefile("rb")
            for i in range(n):
                s.sendall(("GET /api/health?pad=%s&i=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                           % (pad, i)).encode())
                status = f.readline()
                assert status.startswith(b"HTTP/1.1 200"), status
                length = 0
                while True:
                    line = f.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                f.read(length)
                done += 1
        assert done == n
        assert sample(metrics(port), "lynguine_log_lines_dropped_total") > 0
    finally:
        stop(proc)
