"""Finding our own server: the records `lynguine serve` keeps in its private
state directory (docs/guide.md, "Finding the server").

The format is read in this one place, so that a change to it is a change
here: `read_records()` returns every server recorded, in a form the client
uses (pid, url, token, nonce, tls_cert, version, root), whichever layout the
directory holds -- one `server.json`, or one `server-<pid>.json` per server.
"""
import glob
import json
import os

__all__ = ["state_dir", "read_records", "record_from_json"]


def state_dir():
    """$LYNGUINE_STATE_DIR, else $XDG_RUNTIME_DIR/lynguine, else ~/.cache/lynguine."""
    env = os.environ.get("LYNGUINE_STATE_DIR")
    if env:
        return env
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "lynguine")
    return os.path.join(os.path.expanduser("~"), ".cache", "lynguine")


def _url(record):
    if record.get("socket"):
        return "unix:" + record["socket"]
    host = record.get("host") or "127.0.0.1"
    # A wildcard bind is reached through loopback.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in host:
        host = "[%s]" % host
    scheme = "https" if record.get("tls") else "http"
    return "%s://%s:%d" % (scheme, host, int(record["port"]))


def record_from_json(data):
    """A server record (the dict a state file or `serve --ensure` holds) as the
    client uses it; None if it names no pid or no socket or port."""
    if not isinstance(data, dict):
        return None
    try:
        pid = int(data.get("pid", 0))
        if pid <= 0 or not (data.get("socket") or 0 < int(data.get("port", 0)) < 65536):
            return None
        return {"pid": pid, "url": data.get("url") or _url(data),
                "token": data.get("token") or "", "nonce": data.get("nonce") or "",
                "tls_cert": data.get("tls_cert") or "", "version": data.get("version", ""),
                "root": data.get("root", "")}
    except (TypeError, ValueError):
        return None


def read_records(directory=None):
    """Every well-formed record in the state directory, newest file first.
    Files that cannot be read or parsed are skipped (a server may be writing
    or removing its record right now)."""
    directory = directory or state_dir()
    paths = glob.glob(os.path.join(directory, "server-*.json"))
    paths.append(os.path.join(directory, "server.json"))
    found = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                record = record_from_json(json.load(f))
            mtime = os.stat(path).st_mtime
        except (OSError, ValueError):
            continue
        if record:
            found.append((mtime, record))
    found.sort(key=lambda item: -item[0])
    return [record for _, record in found]
