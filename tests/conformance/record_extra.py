#!/usr/bin/env python3
"""Records the extra conformance cases from the reference implementation.

    python3 tests/conformance/record_extra.py [--oracle /tmp/lynguine-oracle]

Reads extra_specs.json (inputs we chose, or that the differential tester in
tests/diff found), writes each spec's files to fixtures_extra/extra/<slug>/,
starts lynguine's own server (py-lynguine-server, lynguine 0.1.2) in a fresh
copy of fixtures/ + fixtures_extra/ with an empty $HOME, sends every request
and writes what it answered to extra_cases.json, in cases.json's format
(README.md): {ROOT}/{HOME}/{SID} placeholders, bare NaN/Infinity as null
with nan_paths/nonfinite, tracebacks and error texts ignored. Liquid
requests are rendered by lynguine.util.text.render_liquid in-process (as
liquid/cases.json was) into liquid/extra_cases.json; mdfield requests
record lamd's mdfield output beside the /api/talk/field answer.

A spec:
  {"name": "group/what", "files": {"rel/path": "text"},
   "requests": [{"name": "what", "method": "POST", "path": "/api/...", "body": {...}},
                {"name": "what", "op": "liquid", "template": "...", "context": {...}},
                {"name": "what", "op": "mdfield", "field": "title", "markdown_file": "..."}],
   "lynguine_bug": "note" (optional, on a spec or a request)}
"{DIR}" in a body is the spec's folder (extra/<slug>), "{ROOT}" the root.
A request marked lynguine_bug also carries "correct": {"status", "response",
"ignore"}, what a correct server answers; the case keeps both. "ignore_extra"
adds ignored paths (e.g. the random values of a fake source); "check_message"
keeps an error's message compared (lynguine's own, stable texts);
"pending": "owner: why" marks a difference not fixed yet (the replay test
expects it to fail until it is).
"{DIR}" is also replaced in the files' text.
Only this script needs the oracle kit; the recordings are test data."""
import argparse
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.join(HERE, "extra_specs.json")
OUT = os.path.join(HERE, "extra_cases.json")
LIQUID_OUT = os.path.join(HERE, "liquid", "extra_cases.json")
FIXTURES = os.path.join(HERE, "fixtures")
EXTRA_FIXTURES = os.path.join(HERE, "fixtures_extra")
ORACLE_WORKER = os.path.join(os.path.dirname(HERE), "diff", "oracle.py")

SESSION_FIELDS = ["session_id", "created_time", "last_accessed", "age_seconds", "idle_seconds",
                  "memory_mb"]


def slug(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(base, method, path, body):
    data = None
    if body is not None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def normalise(v, path, subst, nan_paths, nonfinite):
    """Placeholders for absolute paths and ids; bare NaN/Infinity as null."""
    if isinstance(v, float) and not math.isfinite(v):
        nan_paths.append(path or "/")
        if not math.isnan(v):
            nonfinite[path or "/"] = "Infinity" if v > 0 else "-Infinity"
        return None
    if isinstance(v, str):
        for a, b in subst:
            if a:
                v = v.replace(a, b)
        return v
    if isinstance(v, list):
        return [normalise(x, "%s/%d" % (path, i), subst, nan_paths, nonfinite)
                for i, x in enumerate(v)]
    if isinstance(v, dict):
        return {k: normalise(x, path + "/" + k, subst, nan_paths, nonfinite) for k, x in v.items()}
    return v


def ignores_for(path, method, response):
    ign = []
    if not isinstance(response, dict):
        return ign
    if response.get("status") == "error":
        ign += [p for p in ("/traceback", "/error_message", "/error") if p[1:] in response]
    if isinstance(response.get("session"), dict):
        ign += ["/session/" + f for f in SESSION_FIELDS]
    if isinstance(response.get("sessions"), list):
        ign += ["/sessions/*/" + f for f in SESSION_FIELDS] + ["/total_memory_mb"]
    return ign


class Worker:
    """tests/diff/oracle.py in-process reference, for Liquid and mdfield."""

    def __init__(self, py, root, env):
        self.p = subprocess.Popen([py, ORACLE_WORKER, root], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                  cwd=root, env=env)
        assert json.loads(self.p.stdout.readline()).get("ready")

    def ask(self, req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.kill()
        self.p.wait()


def materialise(specs):
    """fixtures_extra/extra/<slug>/... from the specs' files."""
    if os.path.exists(EXTRA_FIXTURES):
        shutil.rmtree(EXTRA_FIXTURES)
    for spec in specs:
        base = os.path.join(EXTRA_FIXTURES, "extra", slug(spec["name"]))
        os.makedirs(base, exist_ok=True)
        for rel, text in spec.get("files", {}).items():
            text = text.replace("{DIR}", "extra/" + slug(spec["name"]))
            p = os.path.join(base, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8", newline="") as f:
                f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", default=os.environ.get("LYNGUINE_ORACLE", "/tmp/lynguine-oracle"))
    args = ap.parse_args()
    with open(SPECS, encoding="utf-8") as f:
        specs = json.load(f)["specs"]
    materialise(specs)

    work = tempfile.mkdtemp(prefix="lyn-record-")
    root = os.path.realpath(os.path.join(work, "fixtures"))
    home = os.path.realpath(os.path.join(work, "home"))
    tmp = os.path.realpath(os.path.join(work, "tmp"))
    shutil.copytree(FIXTURES, root)
    shutil.copytree(EXTRA_FIXTURES, root, dirs_exist_ok=True)
    os.makedirs(home)
    os.makedirs(tmp)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LYNGUINE_") and k not in ("LAMD_CONFORMANCE_UNSET", "TMP", "TEMP")}
    env.update(HOME=home, TMPDIR=tmp, TZ="UTC")
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    server = subprocess.Popen([os.path.join(args.oracle, "bin", "py-lynguine-server"), "--host",
                               "127.0.0.1", "--port", str(port), "--idle-timeout", "0"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    worker = Worker(os.path.join(args.oracle, "bin", "py-lynguine"), root, env)
    cases, liquid_cases = [], []
    try:
        deadline = time.time() + 120
        while True:
            try:
                if send(base, "GET", "/api/health", None)[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("the reference server did not start")
            time.sleep(0.2)
        for spec in specs:
            d = "extra/" + slug(spec["name"])
            sid = None
            for req in spec["requests"]:
                name = spec["name"] + "/" + req["name"]
                text = json.dumps(req).replace("{DIR}", d).replace("{ROOT}", root)
                r = json.loads(text)
                op = r.get("op", "http")
                if op == "liquid":
                    ans = worker.ask({"op": "liquid", "template": r["template"],
                                      "context": r.get("context", {})})
                    case = {"name": name, "template": r["template"],
                            "context": r.get("context", {})}
                    if "output" in ans:
                        case["output"] = ans["output"]
                    else:
                        case.update(error=True, error_type=ans["error_type"],
                                    error_message=ans["error_message"])
                    if req.get("pending"):
                        case["pending"] = req["pending"]
                    bug = req.get("lynguine_bug") or spec.get("lynguine_bug")
                    if bug:
                        case["lynguine_bug"] = True
                        case["note"] = bug
                        case["correct"] = r["correct"]
                    liquid_cases.append(case)
                    continue
                configs = ["_lamd.yml", "_config.yml"]
                if op == "mdfield":
                    r = dict(r, method="POST", path="/api/talk/field",
                             body={"field": r["field"], "markdown_file": r["markdown_file"],
                                   "config_files": configs})
                path = r["path"].replace("{SID}", sid or "{SID}")
                body = r.get("body")
                if isinstance(body, (dict, list)) and sid:
                    body = json.loads(json.dumps(body).replace("{SID}", sid))
                status, raw = send(base, r["method"], path, body)
                try:
                    got = json.loads(raw)
                except ValueError:
                    got = None
                if r["method"] == "POST" and r["path"] == "/api/sessions" and \
                        isinstance(got, dict) and isinstance(got.get("session"), dict):
                    sid = got["session"].get("session_id") or sid
                nan_paths, nonfinite = [], {}
                subst = [(sid, "{SID}"), (root, "{ROOT}"), (home, "{HOME}")]
                response = normalise(got, "", subst, nan_paths, nonfinite) \
                    if got is not None else None
                case = {"name": name, "seq": "extra/" + spec["name"], "method": r["method"],
                        "path": r["path"], "body": json.loads(json.dumps(r.get("body"))
                                                            .replace(root, "{ROOT}"))
                        if r.get("body") is not None else None,
                        "status": status, "response": response,
                        "ignore": [p for p in ignores_for(r["path"], r["method"], response)
                                   if not (r.get("check_message") and p == "/error_message")]
                        + r.get("ignore_extra", [])}
                if got is None:
                    case["raw"] = raw
                if nan_paths:
                    case["nan_paths"] = nan_paths
                if nonfinite:
                    case["nonfinite"] = nonfinite
                if op == "mdfield":
                    md = worker.ask({"op": "mdfield", "args": [r["field"], r["markdown_file"]]})
                    out = md["stdout"].replace(root, "{ROOT}").replace(home, "{HOME}")
                    case["mdfield_stdout"] = out
                    case["mdfield_config_files"] = configs
                if req.get("pending"):
                    case["pending"] = req["pending"]
                bug = req.get("lynguine_bug") or spec.get("lynguine_bug")
                if bug:
                    case["lynguine_bug"] = True
                    case["note"] = bug
                    if "correct" in r:
                        case["correct"] = r["correct"]
                    if r.get("difference"):
                        case["difference"] = r["difference"]
                cases.append(case)
    finally:
        worker.close()
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    recorded = "lynguine 0.1.2 (e6095b6) server mode and python-liquid 2.3.0, by record_extra.py"
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"recorded_from": recorded, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(LIQUID_OUT, "w", encoding="utf-8") as f:
        json.dump({"recorded_with": recorded, "cases": liquid_cases}, f, indent=1,
                  ensure_ascii=False)
        f.write("\n")
    print("%d cases -> %s, %d Liquid cases -> %s" % (len(cases), OUT, len(liquid_cases),
                                                    LIQUID_OUT))


if __name__ == "__main__":
    sys.exit(main())
