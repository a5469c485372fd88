"""A client for the lynguine server, standard library only.

    from lynguine_client import ServerClient, ServerInterface

    client = ServerClient()                       # http://127.0.0.1:8765, or auto_start=True
    client.talk_field("title", "talk.md", ["_lamd.yml"])
    data = client.read_data(data_source={"type": "csv", "filename": "people.csv"})
    data["records"], data["columns"], data["dtypes"]
    df = client.read_data(interface_file="_lynguine.yml", as_dataframe=True)   # imports pandas

    iface = ServerInterface.from_file("_lynguine.yml", directory=".")
    iface["title"], iface.read_data()

The method names follow lynguine's own `lynguine.client.ServerClient`; pandas
is imported only when a DataFrame is asked for. With `auto_start=True` the
client asks the native binary (`lynguine serve --ensure`) for a server, which
starts one if none runs (race-free: one server however many clients start at
once) and answers with its address (the per-user server's Unix socket).

A server of ours on a local TCP port requires a token unless started with
`--auth none`; the token is in its record in your private state directory.
Given no api_key, the client looks the record up and, on every connection,
has the server prove it wrote that record (docs/guide.md, "Finding the
server") before it sends the token.
"""
import hashlib
import hmac
import http.client
import json
import os
import shutil
import re
import secrets
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["ServerClient", "ServerInterface", "ServerError", "find_binary"]


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


def _state_dir():
    """The state directory, as the native binary finds it."""
    d = os.environ.get("LYNGUINE_STATE_DIR")
    if d:
        return d
    x = os.environ.get("XDG_RUNTIME_DIR")
    if x and os.path.isdir(x) and os.access(x, os.W_OK | os.X_OK):
        return os.path.join(x, "lynguine")
    return os.path.join(os.path.expanduser("~"), ".cache", "lynguine")


def _recorded_tcp_server(host, port):
    """The record of a live-looking server of ours at host:port (with a token
    and a nonce) in the private state directory, or None. A directory that is
    not ours alone is not trusted."""
    d = _state_dir()
    try:
        st = os.lstat(d)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            return None
        names = os.listdir(d)
    except OSError:
        return None
    for name in names:
        if not re.fullmatch(r"server-\d+\.json", name):
            continue
        try:
            fd = os.open(os.path.join(d, name), os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, encoding="utf-8") as f:
                rec = json.load(f)
        except (OSError, ValueError):
            continue
        if (isinstance(rec, dict) and rec.get("port") == port and not rec.get("socket")
                and not rec.get("tls") and rec.get("token") and rec.get("nonce")
                and rec.get("host") in (host, "0.0.0.0", "::")):
            return rec
    return None


def _read_answer(conn, method, path, data, headers):
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    try:
        payload = json.loads(text)
    except ValueError:
        payload = text
    if r.status >= 400:
        raise ServerError(r.status, payload)
    return payload


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the per-user server's Unix socket (in the private state
    directory: only processes of this user may connect)."""

    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class ServerClient:
    def __init__(self, server_url=None, timeout=30.0, auto_start=False, max_retries=3,
                 retry_delay=0.2, api_key=None):
        if server_url is None:
            host = os.environ.get("LYNGUINE_SERVER_HOST", "127.0.0.1")
            port = os.environ.get("LYNGUINE_SERVER_PORT", "8765")
            server_url = "http://%s:%s" % (host, port)
        self.server_url = server_url.rstrip("/")
        self.timeout = timeout
        self.auto_start = auto_start
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.api_key = api_key
        self._started = False
        self._unix_socket = None  # the per-user server's, once auto-started
        self._record = None  # a recorded TCP server of ours whose token we may send
        url = urllib.parse.urlsplit(self.server_url)
        if api_key is None and url.scheme == "http" and url.hostname in (
                "127.0.0.1", "localhost", "::1"):
            host = "127.0.0.1" if url.hostname == "localhost" else url.hostname
            self._record = _recorded_tcp_server(host, url.port or 80)
            if self._record:
                self._tcp = (host, url.port or 80)

    # -- transport -------------------------------------------------------

    def _ensure_server(self):
        """Asks the native binary for a running server and uses its address."""
        out = subprocess.run([find_binary(), "serve", "--ensure"], capture_output=True,
                             text=True, timeout=30)
        if out.returncode != 0:
            raise ConnectionError("could not start a lynguine server: " + out.stderr.strip())
        state = json.loads(out.stdout)
        if state.get("socket"):
            self._unix_socket = state["socket"]
            self.server_url = "http://localhost"
        else:
            self.server_url = "http://%s:%d" % (state.get("host", "127.0.0.1"), state["port"])
        if state.get("token") and not self.api_key:
            self.api_key = state["token"]
        self._started = True

    def _request(self, method, path, body=None):
        # A server we started is rooted elsewhere (LYNGUINE_SERVER_ROOT, or
        # $HOME): tell it where relative paths start.
        if self.auto_start and isinstance(body, dict):
            body = dict(body, working_directory=os.getcwd())
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        attempt = 0
        while True:
            if self._record and not self._unix_socket:
                return self._proved_request(method, path, data, headers)
            if self._unix_socket:
                try:
                    return self._unix_request(method, path, data, headers)
                except (ConnectionError, OSError):
                    if self.auto_start and attempt < self.max_retries:
                        attempt += 1
                        self._ensure_server()
                        continue
                    raise
            req = urllib.request.Request(self.server_url + path, data=data, method=method,
                                         headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    return json.loads(r.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                text = e.read().decode("utf-8", "replace")
                try:
                    payload = json.loads(text)
                except ValueError:
                    payload = text
                # Only our own faults (5xx) are worth another try.
                if e.code >= 500 and attempt < self.max_retries:
                    attempt += 1
                    time.sleep(self.retry_delay * (2 ** attempt))
                    continue
                raise ServerError(e.code, payload) from None
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.auto_start and attempt < self.max_retries:
                    attempt += 1
                    self._ensure_server()
                    continue
                raise

    def _unix_request(self, method, path, data, headers):
        conn = _UnixHTTPConnection(self._unix_socket, self.timeout)
        try:
            return _read_answer(conn, method, path, data, headers)
        finally:
            conn.close()

    def _proved_request(self, method, path, data, headers):
        """On one connection: the server proves it wrote the record (an HMAC
        of our challenge and our end of the connection, keyed with the
        record's nonce), then the request goes with the record's token."""
        conn = http.client.HTTPConnection(*self._tcp, timeout=self.timeout)
        try:
            conn.connect()
            local = "%s:%d" % conn.sock.getsockname()[:2]
            challenge = secrets.token_hex(16)
            conn.request("GET", "/api/health", headers={"X-Lynguine-Challenge": challenge})
            r = conn.getresponse()
            r.read()
            message = "lynguine-identity-v1\n%s\n%s" % (challenge, local)
            expected = hmac.new(self._record["nonce"].encode(), message.encode(),
                                hashlib.sha256).hexdigest()
            if not hmac.compare_digest(r.getheader("X-Lynguine-Proof", ""), expected):
                raise ServerError(403, "the server at %s:%d did not prove its identity; "
                                  "not sending it the token" % self._tcp)
            headers = dict(headers, Authorization="Bearer " + self._record["token"])
            return _read_answer(conn, method, path, data, headers)
        finally:
            conn.close()

    # -- endpoints -------------------------------------------------------

    def ping(self):
        try:
            return self._request("GET", "/api/ping").get("status") == "ok"
        except Exception:  # noqa: BLE001 - ping answers a yes/no question
            return False

    def health_check(self):
        return self._request("GET", "/api/health")

    def status(self):
        return self._request("GET", "/api/status")

    def read_data(self, interface_file=None, directory=".", interface_field=None,
                  data_source=None, as_dataframe=False):
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
        body = {"field": field, "markdown_file": markdown_file}
        if config_files is not None:
            body["config_files"] = config_files
        answer = self._request("POST", "/api/talk/field", body)
        if answer.get("status") != "success":
            raise ServerError(200, answer)
        return answer["value"]

    def interface_read(self, interface_file, field, directory="."):
        answer = self._request("POST", "/api/interface/read",
                               {"interface_file": interface_file, "field": field,
                                "directory": directory})
        if answer.get("status") != "success":
            raise ServerError(200, answer)
        return answer["value"]

    def create_session(self, interface_file, directory=".", interface_field=None):
        body = {"interface_file": interface_file, "directory": directory}
        if interface_field:
            body["interface_field"] = interface_field
        return self._request("POST", "/api/sessions", body)["session"]

    def session_call(self, session_id, operation, **params):
        return self._request("POST", "/api/sessions/%s/%s" % (session_id, operation), params)

    def list_sessions(self):
        return self._request("GET", "/api/sessions")

    def delete_session(self, session_id):
        return self._request("DELETE", "/api/sessions/%s" % session_id)

    def close(self):
        """Nothing to release: each request is its own connection."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
