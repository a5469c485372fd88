"""The reference side of the differential tester: lynguine 0.1.2 in-process.

Run as a worker (`py-lynguine tests/diff/oracle.py ROOT`): it imports lynguine
once, makes ROOT its working directory (as lynguine's server runs in the
directory it serves) and answers one JSON request per line on stdin with one
JSON line on stdout:

  {"op": "http", "method": M, "path": P, "body": B}
      -> {"status": S, "text": T}   exactly what lynguine's server handler
         (LynguineHandler) answers, without the socket
  {"op": "liquid", "template": T, "context": C [, "null_repr": true]}
      -> {"output": O} | {"error_type": E, "error_message": M}
         lynguine.util.text.render_liquid(Compute({}), T, **C)
  {"op": "mdfield", "args": [...]}
      -> {"stdout": O, "rc": N}   lamd's mdfield main() in direct mode
  {"op": "reset"}  -> {}         a fresh session manager

Known lynguine bugs that every input would meet are answered as a correct
server answers them, so that the tester compares behaviour, not the bug:
values json.dumps cannot write (dates, datetimes, pd.NA) are written as
ISO strings / null, as the conformance notes say. Answers where that
happened carry "fixed": true.
"""
import contextlib
import datetime
import io
import json
import os
import sys
import traceback


def _jsonable(o):
    import pandas as pd
    if o is pd.NA or o is pd.NaT:
        return None
    if isinstance(o, (datetime.datetime, datetime.date)):
        return o.isoformat()
    if isinstance(o, pd.Timestamp):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class Oracle:
    def __init__(self, root):
        os.chdir(root)
        self.root = root
        from lynguine import server as S
        from lynguine.session_manager import SessionManager
        from lynguine.assess.compute import Compute
        from lynguine.util.text import render_liquid
        self.S = S
        self.SessionManager = SessionManager
        self.render_liquid = render_liquid
        self.compute = Compute({})
        S._session_manager = SessionManager()

    def reset(self):
        self.S._session_manager = self.SessionManager()

    def http(self, method, path, body):
        S = self.S
        h = S.LynguineHandler.__new__(S.LynguineHandler)
        out = {}

        def send_json_response(data, status_code=200):
            try:
                text = json.dumps(data)
            except TypeError:
                text = json.dumps(data, default=_jsonable)
                out["fixed"] = True
            out["status"], out["text"] = status_code, text

        h.send_json_response = send_json_response
        h.path = path
        raw = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
        h.headers = {"Content-Length": str(len(raw))}
        h.rfile = io.BytesIO(raw)
        getattr(h, "do_" + method)()
        return out

    def liquid(self, template, context, null_repr=False):
        # null_repr: python-liquid's map puts a _Null object where an item
        # lacks the property, and str() of the list shows its repr, a memory
        # address (README's differences); written as None, as we do.
        # The `empty` and `blank` keywords' reprs are addresses too: written
        # as nothing, as their str() is.
        from liquid.builtin.filters import array
        from liquid.builtin.expressions import primitive
        patched = [(array._Null, "None"), (primitive.Empty, ""), (primitive.Blank, "")]
        fixed = []
        if null_repr:
            # python-liquid's date filter is an lru_cache: 1.0 after 1 (equal,
            # same hash) answers as 1 did, so an answer would depend on the
            # renders before it; each render starts with an empty cache.
            from liquid.builtin.filters import misc
            f = misc.date
            while f is not None and not hasattr(f, "cache_clear"):
                f = getattr(f, "__wrapped__", None)
            if f is not None:
                f.cache_clear()
            for cls, text in patched:
                cls.__repr__ = lambda _self, t=text: fixed.append(1) or t
        try:
            ans = {"output": self.render_liquid(self.compute, template, **context)}
        except Exception as e:  # noqa: BLE001 (every failure is an answer)
            ans = {"error_type": type(e).__name__, "error_message": str(e)}
        finally:
            if null_repr:
                for cls, _ in patched:
                    del cls.__repr__
        if fixed:
            ans["fixed"] = True
        return ans

    def mdfield(self, args):
        from lamd.mdfield import main
        buf = io.StringIO()
        old_argv = sys.argv
        sys.argv = ["mdfield"] + list(args)
        rc = 0
        try:
            with contextlib.redirect_stdout(buf):
                r = main()
                rc = r if isinstance(r, int) else 0
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        finally:
            sys.argv = old_argv
        return {"stdout": buf.getvalue(), "rc": rc}

    def answer(self, req):
        op = req["op"]
        if op == "http":
            return self.http(req["method"], req["path"], req.get("body"))
        if op == "liquid":
            return self.liquid(req["template"], req.get("context", {}), req.get("null_repr", False))
        if op == "mdfield":
            return self.mdfield(req["args"])
        if op == "reset":
            self.reset()
            return {}
        raise ValueError("unknown op " + op)


def main():
    root = os.path.realpath(sys.argv[1])
    # Answers go to the real stdout; anything lynguine prints goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    oracle = Oracle(root)
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            ans = oracle.answer(json.loads(line))
        except Exception as e:  # noqa: BLE001
            ans = {"worker_error": "%s: %s" % (type(e).__name__, e),
                   "traceback": traceback.format_exc()}
        out.write(json.dumps(ans) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
