"""What counts as the same answer, with the conformance set's rules
(tests/conformance/README.md): numbers with a relative tolerance, bare
NaN equal to null, the root and home directories as placeholders, a precise
4xx for lynguine's catch-all 500, error texts not compared (only that both
sides failed), session timing fields and tracebacks ignored.

difference(req, ref, ours) -> None when they agree, else a short reason."""
import json
import math

IGNORED_KEYS = {"traceback", "session_id", "created_time", "last_accessed", "age_seconds",
                "idle_seconds", "memory_mb", "total_memory_mb", "version", "uptime_seconds",
                "pid", "memory", "idle_timeout", "error_message", "error"}


def parse(text):
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return {"__raw__": text}


def norm(v, subst):
    if isinstance(v, float) and not math.isfinite(v):
        return None  # bare NaN/Infinity: a correct server writes null
    if isinstance(v, str):
        for a, b in subst:
            v = v.replace(a, b)
        return v
    if isinstance(v, list):
        return [norm(x, subst) for x in v]
    if isinstance(v, dict):
        return {k: norm(x, subst) for k, x in v.items() if k not in IGNORED_KEYS}
    return v


def same(a, b, path="", tol=1e-9):
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else path
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b:
            return None
        if math.isinf(a) or math.isinf(b):
            return path
        return None if abs(a - b) <= tol * max(abs(a), abs(b)) else path
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        if set(a) != set(b):
            return path + " keys " + repr(sorted(set(a) ^ set(b)))[:200]
        for k in a:
            d = same(a[k], b[k], path + "/" + str(k), tol)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return path + " length %d vs %d" % (len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, "%s/%d" % (path, i), tol)
            if d:
                return d
        return None
    return None if a == b else path


def status_ok(ref, ours):
    if ref == ours:
        return True
    # A precise 4xx where lynguine answered its catch-all 500 (or 404 for
    # lynguine's KeyError-as-404 when ours says 400 for a bad argument).
    return ref in (500, 404) and 400 <= ours < 500 or (ref == 501 and ours == 405)


def http_difference(ref, ours, subst, sids=(None, None)):
    if "status" not in ref or "status" not in ours:
        return "no answer: ref %r ours %r" % (sorted(ref), sorted(ours))
    a = norm(parse(ref["text"]), subst + ([(sids[0], "{SID}")] if sids[0] else []))
    b = norm(parse(ours["text"]), subst + ([(sids[1], "{SID}")] if sids[1] else []))
    ref_ok = ref["status"] == 200
    ours_ok = ours["status"] == 200
    if ref_ok != ours_ok:
        return "status %s vs ours %s: %s | %s" % (ref["status"], ours["status"],
                                                 ref["text"][:300], ours["text"][:300])
    if not ref_ok:
        if not status_ok(ref["status"], ours["status"]):
            return "error status %s vs ours %s: %s | %s" % (
                ref["status"], ours["status"], ref["text"][:200], ours["text"][:200])
        return None
    d = same(a, b)
    if d is not None:
        return "body differs at %s: %s | %s" % (d, json.dumps(a)[:400], json.dumps(b)[:400])
    return None


# Known lynguine bugs (conformance lynguine_bug notes): where the reference
# answers this way, a correct server answers differently on purpose.
def _err(ref):
    body = parse(ref.get("text", ""))
    return body if ref.get("status", 200) >= 400 and isinstance(body, dict) else None


KNOWN_BUGS = [
    # python-frontmatter passes the header to Post(**metadata): a key that
    # YAML types as a number or a bool crashes the read.
    ("front matter with a non-string key crashes",
     lambda req, ref: ref.get("status") == 500
     and "keywords must be strings" in ref.get("text", "")),
    # Interface.__getitem__/_process_parent merge an inherited output into
    # the parent's input with input["mapping"] and input["index"]: a parent
    # input without them is a KeyError for every use of the child.
    ("inheriting an output when the parent's input has no mapping or index",
     lambda req, ref: ref.get("status") == 500 and any(
         m in ref.get("text", "") for m in ("Missing required parameter: 'mapping'",
                                            "Missing required parameter: 'index'",
                                            "\"error_message\": \"'mapping'\"",
                                            "\"error_message\": \"'index'\""))),
    # read_files stores the source fields into what a file reader returned:
    # an empty YAML file (None) or an empty BibTeX file crash the read.
    ("directory readers crash on an empty YAML or BibTeX file",
     lambda req, ref: ref.get("status") == 500 and req.get("path") == "/api/read_data" and any(
         m in ref.get("text", "") for m in ("argument of type 'NoneType' is not iterable",
                                            "string index out of range"))),
    # A session whose only section is a series that does not exist yet.
    ("sessions crash on a series-only interface without rows",
     lambda req, ref: ref.get("status") == 500 and
     "index -1 is out of bounds for axis 0 with size 0" in ref.get("text", "")),
    # read_files on a BibTeX file bibtexparser reads as no entries.
    ("directory readers crash on a malformed BibTeX file",
     lambda req, ref: ref.get("status") == 500 and req.get("path") == "/api/read_data" and
     "list indices must be integers or slices, not str" in ref.get("text", "")),
    # read_data by interface_file reads only the interface's own input; a
    # correct server reads an inherited one (extra case inherit/output-as-input).
    ("read_data of an interface whose input is inherited",
     lambda req, ref: ref.get("status") == 500 and "interface_file" in (req.get("body") or {})
     and req.get("path") == "/api/read_data"
     and "Interface has no 'input' section" in ref.get("text", "")),
    # Groups indexed by strings and by numbers cannot be joined (sorted).
    ("sessions crash joining string and number indices",
     lambda req, ref: ref.get("status") == 500 and
     "not supported between instances of" in ref.get("text", "")),
    # With no row in focus (a session without rows), lynguine's at-setter
    # adds a row labelled None to the first frame lacking it; we refuse.
    ("set_value with no row in focus adds a row labelled None",
     lambda req, ref, ours: req.get("path", "").endswith("/set_value") and
     ref.get("status") == 200 and "Key (None," in ours.get("text", "")),
    # pandas cannot put a list or a mapping into one cell.
    ("set_value of a list or mapping crashes",
     lambda req, ref: req.get("path", "").endswith("/set_value") and ref.get("status") == 500
     and any(m in ref.get("text", "") for m in ("Must have equal len keys",
                                                "Incompatible indexer with Series",
                                                "setting an array element with a sequence"))),
    # lynguine's at-setter writes into the first frame that lacks the row
    # (adding it), where a correct server stores the value in the column's
    # own frame or refuses (recorded: sessions/attendance/set_value-output-
    # row-without-series).
    ("set_value writes into the first frame lacking the row",
     lambda req, ref, ours: req.get("path", "").endswith("/set_value") and
     ref.get("status") == 200 and ours.get("status") == 404 and "KeyError" in ours.get("text", "")),
    ("get_subindex/get_subseries without series columns are 500s",
     lambda req, ref: req.get("path", "").endswith(("/get_subindex", "/get_subseries"))
     and ref.get("status") == 500),
]


def known_bug(req, ref, ours=None):
    for note, pred in KNOWN_BUGS:
        try:
            if pred.__code__.co_argcount == 3:
                if ours is not None and pred(req, ref, ours):
                    return note
            elif pred(req, ref):
                return note
        except (KeyError, TypeError, AttributeError):
            pass
    return None


def difference(req, ref, ours, subst, sids=(None, None)):
    if req.get("known_bug") and not ours.get("timeout"):
        return None  # the generator knows lynguine answers this one wrongly
    if req.get("op") == "http" and known_bug(req, ref, ours):
        return None
    if ref.get("timeout"):
        return None  # the reference hung: nothing to compare
    if ours.get("timeout"):
        return "ours timed out%s" % (" (crashed)" if ours.get("crashed") else "")
    op = req["op"]
    if op == "http":
        return http_difference(ref, ours, subst, sids)
    if op == "liquid":
        if ("output" in ref) != ("output" in ours):
            return "liquid: ref %r vs ours %r" % (ref, ours)
        if "output" in ref and ref["output"] != ours["output"]:
            return "liquid output %r vs ours %r" % (ref["output"][:300], ours["output"][:300])
        return None
    if op == "mdfield":
        out_ref = ref["stdout"]
        for a, b in subst:
            out_ref = out_ref.replace(a, b)
        out_ours = ours["stdout"]
        for a, b in subst:
            out_ours = out_ours.replace(a, b)
        if out_ref != out_ours or ref["rc"] != ours["rc"]:
            return "mdfield %r rc %s vs ours %r rc %s" % (out_ref[:300], ref["rc"],
                                                         out_ours[:300], ours["rc"])
        return None
    return None
