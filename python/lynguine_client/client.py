"""ServerClient and Session: lynguine's `lynguine.client` API (the method
names and signatures a lamd or lynguine user calls) over the standard
library, for the native `lynguine serve`.

Differences from lynguine's client, each on purpose:
  - `read_data()` and `Session.get_subseries()` return the records as plain
    data (pandas is not a dependency); pass `as_dataframe=True` for a
    DataFrame (pandas is imported then, and only then).
  - errors are `ServerError` (status, error_type, message) instead of
    requests' HTTPError; a server that cannot be reached is ConnectionError.
  - `auto_start=True` never attaches to whatever answers on port 8765: it
    asks the binary (`lynguine serve --ensure`) for the per-user server,
    which starts one if none runs (race-free: one server however many
    clients start at once), and speaks HTTP over its Unix socket in the
    private state directory, where the kernel names the server
    (SO_PEERCRED: our uid, the recorded pid). Such a server is rooted at
    $LYNGUINE_SERVER_ROOT or $HOME; requests carry the caller's working
    directory. `idle_timeout` > 0 is the idle timeout of a server started
    this way (0: the binary's default, 300 s).
  - a server of ours on a local TCP port requires a token unless started
    with `--auth none`. Given a local http:// address and no api_key, the
    client looks up the server recorded there in the state directory and
    sends its token only on a connection where that server proved it wrote
    the record (docs/guide.md, "Finding the server"); a server that does not
    prove itself is a ServerError 403 and never sees the token.
"""
import hmac
import http.client
import json
import os
import secrets
import shutil
import socket
import ssl
import struct
import subprocess
import time
import urllib.parse

from . import _state

__all__ = ["ServerClient", "Session", "ServerInterface", "ServerError", "find_binary",
           "create_client"]


class ServerError(RuntimeError):
    """An error answer from the server, in lynguine's shape."""

    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {}
        self.error_type = self.body.get("error_type", "")
        message = self.body.get("error_message") or self.body.get("error") or str(body)
        super().__init__("%s %s: %s" % (status, self.error_type, message) if self.error_type
                         else "%s: %s" % (status, message))


def find_binary():
    """The lynguine binary: $LYNGUINE_BIN, then PATH, then this checkout's build."""
    env = os.environ.get("LYNGUINE_BIN")
    if env:
        return env
    on_path = shutil.which("lynguine")
    if on_path:
        return on_path
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidate = os.path.join(here, "build", "bin", "lynguine")
    return candidate if os.path.exists(candidate) else "lynguine"


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


def _connection(url, timeout, cafile=""):
    if url.startswith("unix:"):
        return _UnixConnection(url[5:], timeout)
    u = urllib.parse.urlsplit(url)
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=cafile or None)
        return http.client.HTTPSConnection(u.hostname, u.port or 443, timeout=timeout,
                                           context=ctx)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)


def _peer_name(conn):
    """The client's end of the TCP connection `conn` as the server sees it."""
    host, port = conn.sock.getsockname()[:2]
    return ["%s:%d" % (host, port), "[%s]:%d" % (host, port)]


def _peer_credentials(conn):
    """(pid, uid) of the process listening on the Unix socket `conn` is
    connected to, as the kernel says; None where the kernel does not say."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    size = struct.calcsize("3i")
    pid, uid, _ = struct.unpack("3i", conn.sock.getsockopt(socket.SOL_SOCKET,
                                                           socket.SO_PEERCRED, size))
    return pid, uid


def _recorded_tcp_server(url):
    """The record of a live server of ours at the local http:// address
    `url` that requires a token (and so holds a nonce to prove itself with),
    or None. A --auth none server is used as any address; a record whose pid
    has exited is stale (whatever holds the port now gets no token)."""
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or u.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    host = "127.0.0.1" if u.hostname == "localhost" else u.hostname
    port = u.port or 80
    for record in _state.read_records():
        if (record["port"] == port and not record["socket"] and not record["tls"]
                and record["token"] and record["nonce"]
                and record["host"] in (host, "0.0.0.0", "::", "[::]")
                and _alive(record["pid"])):
            return record
    return None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: not a server of ours
    return True


class ServerClient:
    """Client for the lynguine server; lynguine's `ServerClient` signature.

        client = ServerClient()                      # http://127.0.0.1:8765
        client = ServerClient(auto_start=True)       # our server, started if needed
        client.extract_talk_field("title", "talk.md", ["_lamd.yml"])
        client.get_interface_field("_lynguine.yml", "title")
        data = client.read_data(interface_file="_lynguine.yml")
        with client.create_session("_lynguine.yml") as s:
            s.set_index(1); s.set_column("name"); s.get_value()
    """

    def __init__(self, server_url=None, timeout=30.0, auto_start=False, idle_timeout=0,
                 max_retries=3, retry_delay=1.0, api_key=None):
        if server_url is None:
            host = os.environ.get("LYNGUINE_SERVER_HOST", "127.0.0.1")
            port = os.environ.get("LYNGUINE_SERVER_PORT", "8765")
            server_url = "http://%s:%s" % (host, port)
        self.server_url = server_url.rstrip("/")
        self.timeout = timeout
        self.auto_start = auto_start
        self.idle_timeout = idle_timeout
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.api_key = api_key
        self._record = None  # the record of the server proved on this connection
        self._conn = None

    # -- finding and proving our server ------------------------------------

    def _prove(self, conn, record):
        """Whether the connection `conn` leads to `record`'s server. On its
        Unix socket the kernel's word (our uid, the recorded pid); on TCP the
        server's proof of identity (an HMAC of our challenge and our end of
        the connection, keyed with the record's nonce). Sends no token and
        no data."""
        if isinstance(conn, _UnixConnection):
            conn.connect()
            peer = _peer_credentials(conn)
            if peer is not None:
                return peer == (record["pid"], os.geteuid())
        if not record["nonce"]:
            return False  # nothing to prove itself with
        challenge = secrets.token_hex(16)
        headers = {"X-Lynguine-Challenge": challenge}
        if isinstance(conn, _UnixConnection):
            headers["Host"] = "localhost"
        if conn.sock is None:
            conn.connect()
        # Our end now: the server may close the connection after answering.
        peers = ["unix"] if isinstance(conn, _UnixConnection) else _peer_name(conn)
        conn.request("GET", "/api/health", headers=headers)
        r = conn.getresponse()
        r.read()
        proof = r.getheader("X-Lynguine-Proof") or ""
        key = record["nonce"].encode()
        for peer in peers:
            msg = ("lynguine-identity-v1\n%s\n%s" % (challenge, peer)).encode()
            if hmac.compare_digest(hmac.new(key, msg, "sha256").hexdigest(), proof):
                return True
        return False

    def _use(self, record):
        """Connects to `record`'s server and proves it; True if it is ours."""
        if not _alive(record["pid"]):
            return False
        conn = _connection(record["url"], self.timeout, record["tls_cert"])
        try:
            if not self._prove(conn, record):
                conn.close()
                return False
        except (OSError, http.client.HTTPException):
            conn.close()
            return False
        self._drop()
        self._conn, self._record = conn, record
        self.server_url = record["url"]
        return True

    def _find_or_start(self):
        """The per-user server, as `lynguine serve --ensure` names it
        (started if none runs, replaced if of another version)."""
        cmd = [find_binary(), "serve", "--ensure"]
        if self.idle_timeout and self.idle_timeout > 0:
            cmd += ["--idle-timeout", str(self.idle_timeout)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise ConnectionError("could not start a lynguine server: " + out.stderr.strip())
        try:
            started = _state.record_from_json(json.loads(out.stdout))
        except ValueError:
            started = None
        if not started:
            raise ConnectionError("lynguine serve --ensure named no server: " + out.stdout)
        # What --ensure prints holds no secrets; the record in the state
        # directory holds the nonce, should the server need to prove itself
        # by a challenge.
        recorded = [r for r in _state.read_records() if r["pid"] == started["pid"]]
        if self._use(recorded[0] if recorded else started):
            return
        raise ConnectionError("lynguine serve --ensure started no server this client can prove")

    def _connect(self):
        """Makes self._conn ready for the next request: the kept-alive one,
        or a new one, proved when it leads to a server of our records (a
        connection the server closed is never reopened unproved)."""
        if self._conn is not None and self._conn.sock is not None:
            return
        if self._record is not None:
            if self._use(self._record):
                return
            self._record = None
            self._drop()
            if not self.auto_start:
                raise ServerError(403, "the server at %s no longer proves its identity; not "
                                  "sending it the token" % self.server_url)
        if self.auto_start:
            self._find_or_start()
            return
        if self.api_key is None:
            record = _recorded_tcp_server(self.server_url)
            if record is not None:
                if self._use(record):
                    return
                raise ServerError(403, "the server at %s did not prove its identity; not "
                                  "sending it the token" % self.server_url)
        if self._conn is None:
            self._conn = _connection(self.server_url, self.timeout)

    def _drop(self):
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    # -- transport -----------------------------------------------------------

    def _send(self, method, path, body):
        self._connect()
        if self._record is not None and self._conn.sock is None:
            # Closed right after the proof: http.client would reopen it unproved.
            self._drop()
            raise ConnectionError("the proved connection to %s was closed" % self.server_url)
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        token = self.api_key or (self._record or {}).get("token")
        if token:
            headers["Authorization"] = "Bearer " + token
        if isinstance(self._conn, _UnixConnection):
            headers["Host"] = "localhost"
        try:
            self._conn.request(method, path, body=data, headers=headers)
            r = self._conn.getresponse()
            text = r.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self._drop()
            raise
        if r.getheader("Connection", "").lower() == "close":
            self._drop()
        try:
            payload = json.loads(text)
        except ValueError:
            payload = text
        return r.status, payload

    def _request(self, method, path, body=None, ok_statuses=()):
        """The JSON answer; retries connection failures and 5xx answers
        `max_retries` times, `retry_delay * 2**attempt` apart (lynguine's
        policy), finding or starting the server again with auto_start."""
        if self.auto_start and isinstance(body, dict):
            body = dict(body, working_directory=os.getcwd())
        attempt = 0
        while True:
            try:
                status, payload = self._send(method, path, body)
            except (OSError, http.client.HTTPException) as e:
                if attempt >= self.max_retries:
                    raise ConnectionError("lynguine server at %s: %s" % (self.server_url, e)) \
                        from None
                self._record = None
                time.sleep(self.retry_delay * (2 ** attempt))
                attempt += 1
                continue
            if 200 <= status < 300 or status in ok_statuses:
                return payload
            if status >= 500 and attempt < self.max_retries:
                time.sleep(self.retry_delay * (2 ** attempt))
                attempt += 1
                continue
            raise ServerError(status, payload)

    # -- lynguine's ServerClient -----------------------------------------------

    def ping(self):
        """Whether the server answers, at once: one try, no retries (as lynguine's)."""
        try:
            status, payload = self._send("GET", "/api/ping", None)
            return status == 200
        except Exception:  # noqa: BLE001 - ping answers a yes/no question
            return False

    def health_check(self):
        return self._request("GET", "/api/health")

    def read_data(self, interface_file=None, directory=".", interface_field=None,
                  data_source=None, as_dataframe=False):
        """The data ({records, columns, shape, dtypes}); a DataFrame with
        as_dataframe=True."""
        if interface_file is not None:
            body = {"interface_file": interface_file, "directory": directory}
            if interface_field is not None:
                body["interface_field"] = interface_field
        elif data_source is not None:
            body = {"data_source": data_source}
        else:
            raise ValueError("Must provide either interface_file or data_source")
        data = self._request("POST", "/api/read_data", body)["data"]
        if as_dataframe:
            import pandas as pd  # only when asked for

            return pd.DataFrame.from_records(data["records"], columns=data["columns"])
        return data

    def create_session(self, interface_file, directory=".", interface_field=None,
                       timeout=3600):
        body = {"interface_file": interface_file, "directory": directory, "timeout": timeout}
        if interface_field:
            body["interface_field"] = interface_field
        session = self._request("POST", "/api/sessions", body)["session"]
        return Session(self, session["session_id"], session)

    def list_sessions(self):
        return self._request("GET", "/api/sessions")

    def get_session(self, session_id):
        session = self._request("GET", "/api/sessions/%s" % session_id)["session"]
        return Session(self, session_id, session)

    def delete_session(self, session_id):
        return self._request("DELETE", "/api/sessions/%s" % session_id)

    def get_interface_field(self, interface_file, field, directory="."):
        """The field's value, or None when the server cannot give it (as
        lynguine's client answers)."""
        answer = self._request("POST", "/api/interface/read",
                               {"interface_file": interface_file, "field": field,
                                "directory": directory}, ok_statuses=(400, 403, 404, 500))
        if not isinstance(answer, dict) or answer.get("status") != "success":
            return None
        return answer["value"]

    def extract_talk_field(self, field, markdown_file, config_files=None):
        """The field as lamd's mdfield would give it; "" when the answer is
        not a success (as lynguine's client answers)."""
        answer = self._request("POST", "/api/talk/field",
                               {"field": field, "markdown_file": markdown_file,
                                "config_files": config_files or []})
        if answer.get("status") != "success":
            return ""
        return answer["value"]

    def close(self):
        """Closes the connection; a server auto_start found keeps running
        (it stops by its idle timeout), as with lynguine's client."""
        self._drop()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # -- more of the API ---------------------------------------------------------

    def status(self):
        return self._request("GET", "/api/status")

    def write_data(self, records, output, columns=None):
        data = {"records": records}
        if columns is not None:
            data["columns"] = columns
        return self._request("POST", "/api/write_data", {"data": data, "output": output})

    def compute(self, operation, params=None, data=None):
        body = {"operation": operation, "params": params or {}}
        if data is not None:
            body["data"] = data
        return self._request("POST", "/api/compute", body)["result"]

    def render_liquid(self, template, **context):
        return self.compute("render_liquid", {"template": template, "context": context})

    def talk_field(self, field, markdown_file, config_files=None):
        """Like extract_talk_field, but config_files default to lamd's
        (_lamd.yml, _config.yml) and a failure raises ServerError."""
        body = {"field": field, "markdown_file": markdown_file}
        if config_files is not None:
            body["config_files"] = config_files
        answer = self._request("POST", "/api/talk/field", body)
        if answer.get("status") != "success":
            raise ServerError(200, answer)
        return answer["value"]

    def interface_read(self, interface_file, field, directory="."):
        """Like get_interface_field, but a failure raises ServerError."""
        answer = self._request("POST", "/api/interface/read",
                               {"interface_file": interface_file, "field": field,
                                "directory": directory})
        if answer.get("status") != "success":
            raise ServerError(200, answer)
        return answer["value"]

    def session_call(self, session_id, operation, **params):
        return self._request("POST", "/api/sessions/%s/%s" % (session_id, operation), params)


class Session:
    """A server-side CustomDataFrame with a focus; lynguine's `Session`."""

    def __init__(self, client, session_id, metadata):
        self.client = client
        self.session_id = session_id
        self._metadata = metadata

    def _post(self, operation, data=None):
        return self.client._request(
            "POST", "/api/sessions/%s/%s" % (self.session_id, operation), data or {})

    def _get(self, operation=None):
        path = "/api/sessions/%s" % self.session_id
        return self.client._request("GET", path + ("/" + operation if operation else ""))

    def set_index(self, index):
        self._post("set_index", {"index": index})

    def get_index(self):
        return self._get("get_index")["index"]

    def set_column(self, column):
        self._post("set_column", {"column": column})

    def get_column(self):
        return self._get("get_column")["column"]

    def get_value(self):
        return self._get("get_value")["value"]

    def set_value(self, value):
        self._post("set_value", {"value": value})

    def get_value_at(self, index, column):
        return self._post("get_value_at", {"index": index, "column": column})["value"]

    def get_shape(self):
        return tuple(self._get("get_shape")["shape"])

    def get_columns(self):
        return self._get("get_columns")["columns"]

    def get_indices(self):
        return self._get("get_indices")["indices"]

    def get_input_columns(self):
        return self._get("get_input_columns")["columns"]

    def get_output_columns(self):
        return self._get("get_output_columns")["columns"]

    def get_series_columns(self):
        return self._get("get_series_columns")["columns"]

    def get_column_type(self, column):
        return self._post("get_column_type", {"column": column})["column_type"]

    def set_selector(self, column):
        self._post("set_selector", {"column": column})

    def get_selector(self):
        return self._get("get_selector")["selector"]

    def set_subindex(self, value):
        self._post("set_subindex", {"value": value})

    def get_subindex(self):
        return self._get("get_subindex")["subindex"]

    def get_subseries(self, as_dataframe=False):
        sub = self._get("get_subseries")["subseries"]
        if as_dataframe:
            import pandas as pd  # only when asked for

            return pd.DataFrame.from_records(sub["records"])
        return sub

    def get_info(self):
        return self._get()["session"]

    def delete(self):
        self.client.delete_session(self.session_id)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        try:
            self.delete()
        except Exception:  # noqa: BLE001 - as lynguine's: the server may be gone
            pass

    def __repr__(self):
        return "Session(id='%s...', shape=%s)" % (self.session_id[:8], self._metadata.get("shape"))


class ServerInterface:
    """A lynguine interface file read through the server: fields by item access."""

    def __init__(self, client, interface_file, directory=".", field=None):
        self.client = client
        self.interface_file = interface_file
        self.directory = directory
        self.field = field

    @classmethod
    def from_file(cls, user_file="_lynguine.yml", directory=".", field=None, client=None,
                  auto_start=True):
        client = client or ServerClient(auto_start=auto_start)
        return cls(client, user_file, directory, field)

    def __getitem__(self, key):
        value = self.client.interface_read(self.interface_file, key, self.directory)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def read_data(self, as_dataframe=False):
        return self.client.read_data(interface_file=self.interface_file,
                                     directory=self.directory, interface_field=self.field,
                                     as_dataframe=as_dataframe)


def create_client(server_url="http://127.0.0.1:8765"):
    """lynguine's convenience constructor."""
    return ServerClient(server_url=server_url)
