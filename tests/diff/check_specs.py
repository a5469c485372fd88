#!/usr/bin/env python3
"""Runs conformance specs (tests/conformance/extra_specs.json, or findings of
run.py) through the reference and ours, printing every request whose answers
differ (not only the first), so that a spec can be checked before it is
recorded and a fix checked before the tester runs again.

    python3 tests/diff/check_specs.py [SPEC_FILE_OR_FINDING...] [-k NAME_PART]"""
import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
from run import Runner  # noqa: E402

SPECS = os.path.join(os.path.dirname(HERE), "conformance", "extra_specs.json")


def as_cases(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if "specs" not in doc:  # a finding of run.py
        return [{"name": os.path.basename(path), "files": doc["files"],
                 "requests": doc["requests"], "base": doc["base"]}]
    out = []
    for spec in doc["specs"]:
        reqs = []
        for r in spec["requests"]:
            op = r.get("op", "http")
            if op == "mdfield":
                reqs.append({"op": "mdfield", "args": [r["field"], r["markdown_file"]]})
            elif op == "liquid":
                reqs.append({"op": "liquid", "template": r["template"],
                             "context": r.get("context", {})})
            else:
                reqs.append({"op": "http", "method": r["method"], "path": r["path"],
                             "body": r.get("body"), "name": r["name"],
                             "bug": r.get("lynguine_bug") or spec.get("lynguine_bug")})
        out.append({"name": spec["name"], "files": spec.get("files", {}), "requests": reqs,
                    "base": "extra/" + spec["name"].replace("/", "-")})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=[SPECS])
    ap.add_argument("-k", default="")
    ap.add_argument("--width", type=int, default=120)
    ap.add_argument("--both", action="store_true", help="print our answer too")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="lyn-check-")
    root, home = os.path.join(work, "root"), os.path.join(work, "home")
    os.makedirs(root)
    os.makedirs(home)
    runner = Runner(os.path.realpath(root), os.path.realpath(home), work)
    bad = 0
    try:
        for path in args.paths:
            for case in as_cases(path):
                if args.k not in case["name"]:
                    continue
                text = json.dumps(case).replace("{DIR}", case["base"])
                case = json.loads(text)
                runner.write_files(case)
                sids = [None, None]
                for req in case["requests"]:
                    req = json.loads(json.dumps(req).replace("{ROOT}", runner.root))
                    answers = []
                    for side, s in ((0, runner.ref), (1, runner.ours)):
                        a = s.answer(runner.with_sid(req, sids[side]))
                        if req.get("path") == "/api/sessions" and req.get("method") == "POST":
                            sids[side] = runner.session_id(a) or sids[side]
                        answers.append(a)
                    d = compare.difference(req, answers[0], answers[1], runner.subst, sids)
                    label = "%s %s" % (case["name"], req.get("name") or req.get("op"))
                    if d:
                        bad += 1
                        print("DIFF %s%s: %s" % (label, " (lynguine_bug)" if req.get("bug")
                                                 else "", d[:600]))
                    else:
                        st = [a.get("status", "-") for a in answers]
                        print("same %s [%s/%s] %s" % (label, st[0], st[1],
                                                      str(answers[0].get("text", answers[0]))[:args.width]))
                        if args.both:
                            print("     ours: %s" % str(answers[1].get("text", answers[1]))[:args.width])
    finally:
        runner.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
