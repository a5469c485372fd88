#!/usr/bin/env python3
"""Turns findings of the differential tester (tests/diff/run.py) into specs
in tests/conformance/extra_specs.json, for record_extra.py to record from
lynguine. Each finding becomes one spec: its files, its requests (paths
under the finding's folder become {DIR}).

    python3 tests/diff/promote.py FINDING... --group diff/yaml [--pending "owner: why"]
    python3 tests/diff/promote.py --fixed CASE_NAME...   (a pending case now passes)

--pending marks a difference we have not fixed (an area another change owns):
the replay test expects it to fail until it is fixed (pytest xfail strict).
"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.join(os.path.dirname(HERE), "conformance", "extra_specs.json")


def to_spec(finding, name, pending=None):
    base = finding["base"]
    text = json.dumps(finding["requests"]).replace(base + "/", "{DIR}/").replace(
        '"' + base + '"', '"{DIR}"')
    reqs = []
    for i, r in enumerate(json.loads(text)):
        op = r.get("op", "http")
        label = "r%d" % i
        if op == "liquid":
            reqs.append({"name": label, "op": "liquid", "template": r["template"],
                         "context": r.get("context", {})})
        elif op == "mdfield":
            reqs.append({"name": label, "op": "mdfield", "field": r["args"][0],
                         "markdown_file": r["args"][1]})
        else:
            d = {"name": label, "method": r["method"], "path": r["path"]}
            if r.get("body") is not None:
                d["body"] = r["body"]
            reqs.append(d)
    spec = {"name": name, "files": finding["files"], "requests": reqs,
            "found": finding["reason"][:300]}
    last = spec["requests"][-1]
    if pending:
        last["pending"] = pending
    return spec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("findings", nargs="*")
    ap.add_argument("--group")
    ap.add_argument("--pending")
    ap.add_argument("--fixed", nargs="+", default=[],
                    help="case names (spec/request) whose pending mark goes")
    args = ap.parse_args()
    with open(SPECS, encoding="utf-8") as f:
        doc = json.load(f)
    for spec in doc["specs"]:
        for r in spec["requests"]:
            if spec["name"] + "/" + r["name"] in args.fixed and r.pop("pending", None):
                print("fixed", spec["name"] + "/" + r["name"])
    names = {s["name"] for s in doc["specs"]}
    for path in args.findings:
        with open(path, encoding="utf-8") as f:
            finding = json.load(f)
        stem = os.path.splitext(os.path.basename(path))[0]
        name = "%s/%s" % (args.group, stem)
        if name in names:
            continue
        doc["specs"].append(to_spec(finding, name, args.pending))
        names.add(name)
        print("added", name)
    with open(SPECS, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
