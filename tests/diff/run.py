#!/usr/bin/env python3
"""Differential tester: generated inputs through lynguine 0.1.2 (in-process,
tests/diff/oracle.py) and through our `lynguine serve`, compared answer by
answer (tests/diff/compare.py). The first difference of an input is
minimised (delta debugging over its requests, its files' lines and its
Liquid template) and written to FINDINGS as a case spec that
tests/conformance/record_extra.py can record from the reference server.

    python3 tests/diff/run.py --kinds yaml,csv,interface,directory,liquid \
        --minutes 60 [--seed N] [--findings DIR] [--stats FILE]

Runs each kind in turn (round robin, one input at a time) until every kind
has had its --minutes; prints and writes per-kind counts (inputs tried,
requests compared, differences found). Needs the oracle kit
(/tmp/lynguine-oracle) and a built binary (LYNGUINE_BIN or build/bin)."""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
import generators  # noqa: E402
import reported  # noqa: E402
from sides import Ours, Reference  # noqa: E402


class Runner:
    def __init__(self, root, home, findings, per_signature=3):
        self.root, self.home = root, home
        self.ref = Reference(root, home)
        self.ours = Ours(root, home)
        self.findings = findings
        self.per_signature = per_signature
        self.signatures = {}
        self.subst = [(root, "{ROOT}"), (home, "{HOME}")]

    def stop(self):
        self.ref.stop()
        self.ours.stop()

    def write_files(self, case):
        base = os.path.join(self.root, case["base"])
        if os.path.exists(base):
            shutil.rmtree(base)
        os.makedirs(base)
        for rel, text in case["files"].items():
            p = os.path.join(base, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8", newline="") as f:
                f.write(text)

    @staticmethod
    def with_sid(req, sid):
        if sid is None:
            return req
        text = json.dumps(req).replace("{SID}", sid)
        return json.loads(text)

    @staticmethod
    def session_id(ans):
        try:
            body = json.loads(ans.get("text", ""))
            return body["session"]["session_id"]
        except (ValueError, KeyError, TypeError):
            return None

    def run_case(self, case):
        """Runs every request on both sides. Returns (index, reason) of the
        first difference, or None; and the number of requests compared."""
        self.write_files(case)
        sids = [None, None]
        created = [[], []]
        skip_session = False  # the reference failed to create it (a known bug)
        failed_create = False
        n = 0
        try:
            for i, req in enumerate(case["requests"]):
                req = json.loads(json.dumps(req).replace("{ROOT}", self.root))
                creates = req.get("op") == "http" and req.get("path") == "/api/sessions" \
                    and req.get("method") == "POST"
                answers = []
                for side, s in ((0, self.ref), (1, self.ours)):
                    a = s.answer(self.with_sid(req, sids[side]))
                    if creates:
                        sid = self.session_id(a)
                        if sid:
                            created[side].append(sid)
                        else:
                            failed_create = True
                        sids[side] = sid or sids[side]
                    answers.append(a)
                n += 1
                if creates:
                    skip_session = compare.known_bug(req, answers[0]) is not None
                elif skip_session and "{SID}" in req.get("path", ""):
                    continue
                elif "{SID}" in req.get("path", "") and \
                        compare.known_bug(req, answers[0], answers[1]):
                    # The session's state went apart by a known lynguine bug:
                    # what it answers afterwards is not compared.
                    skip_session = True
                    continue
                d = compare.difference(req, answers[0], answers[1], self.subst, sids)
                if d:
                    return (i, d), n
            return None, n
        finally:
            # Sessions are capped (100 in lynguine): end the ones this case made.
            for side, s in ((0, self.ref), (1, self.ours)):
                for sid in created[side]:
                    s.answer({"op": "http", "method": "DELETE", "path": "/api/sessions/" + sid,
                              "body": None})
            if failed_create:
                self.sweep_sessions()

    def sweep_sessions(self):
        """lynguine stores a session before it logs the frame's shape and
        memory, so a create that fails there (a 500) still holds one of the
        100 places, and its listing fails from then on: after a failed
        create the reference gets a fresh session manager, and ours ends
        whatever sessions are left."""
        self.ref.answer({"op": "reset"})
        a = self.ours.answer({"op": "http", "method": "GET", "path": "/api/sessions",
                              "body": None})
        try:
            left = json.loads(a.get("text", ""))["sessions"]
        except (ValueError, KeyError, TypeError):
            return
        for item in left:
            sid = item.get("session_id") if isinstance(item, dict) else None
            if sid:
                self.ours.answer({"op": "http", "method": "DELETE",
                                  "path": "/api/sessions/" + sid, "body": None})

    def still_differs(self, case):
        r, _ = self.run_case(case)
        return r is not None

    def minimise(self, case, first):
        idx, _ = first
        case = dict(case, requests=case["requests"][:idx + 1])
        # The requests before the differing one (sessions need their create).
        last = case["requests"][-1]
        keep = ddmin(case["requests"][:-1],
                     lambda rs: self.still_differs(dict(case, requests=rs + [last])))
        case["requests"] = keep + [last]
        # Each file's lines, then the files themselves.
        for rel in list(case["files"]):
            lines = case["files"][rel].splitlines(keepends=True)
            def test(ls, rel=rel):
                files = dict(case["files"], **{rel: "".join(ls)})
                return self.still_differs(dict(case, files=files))
            case["files"][rel] = "".join(ddmin(lines, test))
        # Liquid: the template's pieces and the context's keys.
        for req in case["requests"]:
            if req.get("op") != "liquid":
                continue
            pieces = generators.liquid_pieces(req["template"])
            def test_t(ps, req=req):
                old = req["template"]
                req["template"] = "".join(ps)
                ok = self.still_differs(case)
                req["template"] = old
                return ok
            req["template"] = "".join(ddmin(pieces, test_t))
            keys = list(req.get("context", {}))
            def test_c(ks, req=req):
                old = req["context"]
                req["context"] = {k: old[k] for k in ks}
                ok = self.still_differs(case)
                req["context"] = old
                return ok
            kept = ddmin(keys, test_c)
            req["context"] = {k: req["context"][k] for k in kept}
        r, _ = self.run_case(case)
        return case, r

    def signature(self, case, reason):
        req = case["requests"][reason[0]]
        what = req.get("path") or req.get("op")
        # The kind of difference, not the column or value it met.
        text = reason[1].split(":")[0]
        text = re.sub(r"/data/(dtypes|records/\d+|columns)/.*", r"/data/\1/*", text)
        text = re.sub(r"(differs at /value|keys).*", r"\1", text)
        text = re.sub(r"\d+", "N", text)[:80]
        if req.get("op") == "liquid":
            # Liquid: one signature per filter or tag set the template uses.
            names = sorted(set(re.findall(r"\|\s*(\w+)|\{%-?\s*(\w+)", req["template"])))
            text = " ".join(a or b for a, b in names)[:80]
        return "%s %s %s" % (case["kind"], what, text)

    def record(self, case, reason):
        sig = self.signature(case, reason)
        n = self.signatures.get(sig, 0)
        self.signatures[sig] = n + 1
        if n >= self.per_signature:
            return None
        digest = hashlib.sha1(json.dumps(case, sort_keys=True).encode()).hexdigest()[:10]
        path = os.path.join(self.findings, "%s-%s.json" % (case["kind"], digest))
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"kind": case["kind"], "signature": sig, "reason": reason[1],
                       "request_index": reason[0], "base": case["base"],
                       "files": case["files"], "requests": case["requests"]}, f, indent=1)
        return path


def ddmin(items, still_fails):
    """Zeller's delta debugging: a small sublist of `items` for which
    still_fails holds (assumed to hold for `items` itself)."""
    items = list(items)
    n = 2
    while len(items) >= 2:
        size = max(1, len(items) // n)
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        reduced = False
        for i in range(len(chunks)):
            rest = [x for j, c in enumerate(chunks) if j != i for x in c]
            if still_fails(rest):
                items, n, reduced = rest, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    if len(items) == 1 and still_fails([]):
        return []
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinds", default=",".join(generators.KINDS))
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--findings", default=os.path.join(HERE, "findings"))
    ap.add_argument("--stats", default=None)
    ap.add_argument("--max-findings", type=int, default=200)
    args = ap.parse_args()
    kinds = args.kinds.split(",")
    seed = args.seed if args.seed is not None else int(time.time())
    os.makedirs(args.findings, exist_ok=True)
    work = tempfile.mkdtemp(prefix="lyn-diff-")
    root, home = os.path.join(work, "root"), os.path.join(work, "home")
    os.makedirs(root)
    os.makedirs(home)
    root, home = os.path.realpath(root), os.path.realpath(home)
    runner = Runner(root, home, args.findings)
    # A terminated run still stops its two servers (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    stats = {k: {"inputs": 0, "requests": 0, "differences": 0, "reported": 0,
                 "reported_kinds": {}, "seconds": 0.0} for k in kinds}
    started = time.monotonic()
    budget = args.minutes * 60
    found = 0
    counter = 0
    print("seed %d, root %s" % (seed, root), flush=True)
    try:
        while found < args.max_findings:
            active = [k for k in kinds if stats[k]["seconds"] < budget]
            if not active:
                break
            for kind in active:
                counter += 1
                rng = random.Random("%d-%s-%d" % (seed, kind, counter))
                t0 = time.monotonic()
                case = generators.generate(kind, rng, "c%d" % (counter % 50))
                diff, n = runner.run_case(case)
                st = stats[kind]
                st["inputs"] += 1
                st["requests"] += n
                if diff:
                    small, r = runner.minimise(case, diff)
                    why = reported.reported(small, r[1]) if r else None
                    if r and why:
                        # Recorded already as pending cases for its owner.
                        st["reported"] += 1
                        st["reported_kinds"][why] = st["reported_kinds"].get(why, 0) + 1
                    elif r:
                        path = runner.record(small, r)
                        st["differences"] += 1
                        found += 1
                        if path:
                            print("DIFF %s: %s -> %s" % (kind, r[1][:300], path), flush=True)
                st["seconds"] += time.monotonic() - t0
                if counter % 200 == 0:
                    print(json.dumps(stats), flush=True)
                    if args.stats:
                        with open(args.stats, "w") as f:
                            json.dump({"seed": seed, "wall_seconds": time.monotonic() - started,
                                       "stats": stats}, f, indent=1)
    finally:
        runner.stop()
        print(json.dumps(stats), flush=True)
        if args.stats:
            with open(args.stats, "w") as f:
                json.dump({"seed": seed, "wall_seconds": time.monotonic() - started,
                           "stats": stats}, f, indent=1)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
