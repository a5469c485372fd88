"""Finding our own server: the records `lynguine serve` keeps in its private
state directory (docs/guide.md, "Finding the server").

The format is read in this one place, so that a change to it is a change
here. Every server writes `server-<pid>.json` (mode 0600) in the state
directory; `read_records()` returns every one, in the form the client uses
(pid, url, socket, host, port, tls, tls_cert, token, nonce, version, root).
A state directory that is not ours alone (a symlink, another owner, any
group or other permission bit) is not trusted: no record is read from it.
"""
import json
import os
import re
import stat

__all__ = ["state_dir", "read_records", "record_from_json", "per_user_socket"]

_RECORD_NAME = re.compile(r"server-\d+\.json")


def state_dir():
    """$LYNGUINE_STATE_DIR, else $XDG_RUNTIME_DIR/lynguine, else ~/.cache/lynguine
    (as the native binary finds it)."""
    env = os.environ.get("LYNGUINE_STATE_DIR")
    if env:
        return env
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK | os.X_OK):
        return os.path.join(runtime, "lynguine")
    return os.path.join(os.path.expanduser("~"), ".cache", "lynguine")


def per_user_socket(directory=None):
    """The per-user server's Unix socket (what `serve --ensure` starts)."""
    return os.path.join(directory or state_dir(), "server.sock")


def _private(directory):
    try:
        st = os.lstat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o077


def _url(record):
    if record.get("socket"):
        return "unix:" + record["socket"]
    host = record.get("host") or "127.0.0.1"
    # A wildcard bind is reached through loopback.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in host and not host.startswith("["):
        host = "[%s]" % host
    scheme = "https" if record.get("tls") else "http"
    return "%s://%s:%d" % (scheme, host, int(record["port"]))


def record_from_json(data):
    """A server record (the dict a record file or `serve --ensure` holds) as
    the client uses it; None if it names no pid or no socket or port."""
    if not isinstance(data, dict):
        return None
    try:
        pid = int(data.get("pid", 0))
        socket_path = data.get("socket") or ""
        port = int(data.get("port", 0) or 0)
        if pid <= 0 or not (socket_path or 0 < port < 65536):
            return None
        return {"pid": pid, "url": _url(data), "socket": socket_path,
                "host": data.get("host") or "", "port": port, "tls": bool(data.get("tls")),
                "token": data.get("token") or "", "nonce": data.get("nonce") or "",
                "tls_cert": data.get("tls_cert") or "", "version": data.get("version", ""),
                "root": data.get("root", "")}
    except (TypeError, ValueError):
        return None


def read_records(directory=None):
    """Every well-formed record in the private state directory, newest file
    first; [] if the directory is missing or not private. Files that cannot
    be read or parsed are skipped (a server may be writing or removing its
    record right now); a symlink is never followed."""
    directory = directory or state_dir()
    if not _private(directory):
        return []
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found = []
    for name in names:
        if not _RECORD_NAME.fullmatch(name):
            continue
        try:
            fd = os.open(os.path.join(directory, name), os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, encoding="utf-8") as f:
                mtime = os.fstat(f.fileno()).st_mtime
                record = record_from_json(json.load(f))
        except (OSError, ValueError):
            continue
        if record:
            found.append((mtime, record))
    found.sort(key=lambda item: -item[0])
    return [record for _, record in found]
