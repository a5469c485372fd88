#!/usr/bin/env python3
"""Record what lamd 0.1.3's own tools (mdfield, flags, dependencies,
lamd-resolve-diagrams-dir, on lynguine 0.1.2) print for the fixture talks in
tests/lamd/fixtures/home, as test data for tests/wire/test_lamd_tools.py.

Every case runs the oracle's tool script (`lamd-bin/flags`, ..., what
`py-flags` and the other wrappers exec; see ../shared/oracle/README.md) in a
fresh copy of the fixture tree used as $HOME, with a fixed environment.

--mode fork (the default) runs each case in a process forked from a Python
that has already imported the third-party modules lamd loads (pandas,
numpy, yaml, ...), so that a case costs ~0.1 s of CPU instead of ~2 s; the
child imports lynguine and lamd afresh (their import-time reads of the
current directory included) and runs the script as __main__ with the
case's argv, cwd and environment. --mode exec runs `py-TOOL` as its own
process; `--verify N` records N cases both ways and fails on any
difference. Traceback frames are dropped from the stored stderr (the
comparison uses the exception line). Absolute paths in the output are
replaced by placeholders the replay puts back:

  {HOME}           the fixture home of the run
  {LAMD_INCLUDES}  lamd's bundled includes/ directory (the replay points
                   LAMD_INCLUDESDIR at a directory with the same file names)
  {LAMD_SRC}, {LYNGUINE_SRC}, {ORACLE}   the oracle's own sources (they
                   appear in tracebacks and warnings only)

The case list is built here (cases()); arguments and environment values may
contain {HOME}. The recordings go to tests/lamd/recordings.json. A case whose
definition and inputs (its talk directory, the snippets, the top of the talks
tree) are unchanged since the last recording is not run again.

    python3 tests/lamd/record.py [--oracle DIR] [-j N] [--only SUBSTRING] [--force]
                                 [--mode fork|exec] [--verify N]
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "home")
OUT = os.path.join(HERE, "recordings.json")

FLAGS_OUTPUTS = ["pp", "post", "docx", "pptx", "prefix", "reveal", "cv", "manim", "manim-convert"]
DEP_TYPES = ["all", "diagrams", "inputs", "bibinputs", "slidediagrams", "texdiagrams", "docxdiagrams",
             "batch"]
# lamd's make-talk-flags.mk field list, then fields the fixtures exercise.
MAKEFILE_FIELDS = ("date categories layout macrosdir slidesheader postssheader assignment notation "
                   "bibdir snippetsdir diagramsdir writediagramsdir postsdir practicalsdir notesdir "
                   "notebooksdir slidesdir texdir week session people").split()
EXTRA_FIELDS = ("title content base_directory user_file path number flt big yesval none nested when "
                "quote unicode empty abstract parentonly fromlamd fromlynguine onlyinconfig sub "
                "author ghub posts url baseurl 1 true missingfield").split()


def talk_dirs():
    root = os.path.join(FIXTURES, "talks")
    return sorted(d for d in os.listdir(root) if d.startswith("_"))


def md_files(d):
    p = os.path.join(FIXTURES, "talks", d)
    return sorted(f for f in os.listdir(p) if f.endswith(".md") and os.path.isfile(os.path.join(p, f)))


def cases():
    out = []

    def add(name, tool, args, cwd, env=None):
        out.append({"name": name, "tool": tool, "args": args, "cwd": cwd, "env": env or {}})

    snippets = "{HOME}/snippets/"
    for d in talk_dirs():
        cwd = "talks/" + d
        for md in md_files(d):
            base = md[:-3]
            key = f"{d}/{base}"
            outputs = FLAGS_OUTPUTS
            if d in ("_lecture", "_layouts", "_topic", "_background", "_practical"):
                outputs = ["prefix", "post"]
            elif d == "_demo":  # many talks, each aimed at some outputs
                outputs = ["prefix", "post", "docx", "pptx", "reveal", "pp", "manim"]
            for o in outputs:
                add(f"flags/{key}/{o}", "flags", [o, base], cwd)
            add(f"mdfield/{key}/batch", "mdfield",
                ["batch", md, "--fields"] + MAKEFILE_FIELDS + EXTRA_FIELDS, cwd)
            add(f"dependencies/{key}/batch", "dependencies",
                ["batch", md, "--snippets-path", snippets, "--diagrams-dir", "../slides/diagrams"],
                cwd)
            if d != "_demo":
                add(f"dependencies/{key}/batch-config", "dependencies", ["batch", md], cwd)
        add(f"resolve/{d}/default", "lamd-resolve-diagrams-dir", [], cwd)
        add(f"resolve/{d}/web", "lamd-resolve-diagrams-dir", ["--web"], cwd)

    # mdfield: single fields, the missing talk, server flags in direct mode.
    demo = "talks/_demo"
    for f in ["title", "date", "categories", "abstract", "author", "content", "missingfield",
              "base_directory", "user_file", "ghub", "postsdir", "snippetsdir"]:
        add(f"mdfield/_demo/intro/single-{f}", "mdfield", [f, "intro.md"], demo)
    for f in ["path", "nested", "when", "big", "flt", "unicode", "quote", "yesval", "none", "1"]:
        add(f"mdfield/_demo/env/single-{f}", "mdfield", [f, "env.md"], demo)
    add("mdfield/_demo/binary/single-blob", "mdfield", ["blob", "binary.md"], demo)
    # A TOML (+++) header: python-frontmatter reads it with the toml module.
    for f in ["title", "venue", "date", "when", "published", "at", "number", "big", "flt",
              "nested", "categories", "abstract", "ghub", "posts", "people", "content"]:
        add(f"mdfield/_demo/toml-types/single-{f}", "mdfield", [f, "toml-types.md"], demo)
    add("mdfield/_demo/intkey/single-1", "mdfield", ["1", "intkey.md"], demo)
    add("mdfield/_demo/intkey/single-true", "mdfield", ["true", "intkey.md"], demo)
    add("mdfield/_demo/missing-talk", "mdfield", ["title", "no-such-talk.md"], demo)
    add("mdfield/_demo/missing-talk-batch", "mdfield",
        ["batch", "no-such-talk.md", "--fields", "title", "date"], demo)
    add("mdfield/_demo/directory-talk", "mdfield", ["title", "subdir"], demo)
    add("mdfield/_noconfig/missing-talk", "mdfield", ["title", "nothere.md"], "talks/_noconfig")
    add("mdfield/_demo/no-server", "mdfield", ["--no-server", "title", "intro.md"], demo)
    add("mdfield/_demo/no-server-env", "mdfield", ["title", "intro.md", "--no-server"], demo,
        {"LAMD_USE_SERVER": "1"})
    add("mdfield/_demo/batch-dup", "mdfield",
        ["batch", "intro.md", "--fields", "title", "title", "nofield", "nofield"], demo)
    add("mdfield/_noconfig/batch-dup", "mdfield",
        ["batch", "bare.md", "--fields", "title", "nofield", "nofield"], "talks/_noconfig")
    add("mdfield/_demo/abs-path", "mdfield", ["title", "{HOME}/talks/_demo/intro.md"], "talks")
    add("mdfield/_demo/other-dir", "mdfield", ["title", "_demo/nodate.md"], "talks")
    add("mdfield/_demo/other-dir-config", "mdfield", ["postsdir", "_demo/nodate.md"], "talks")

    # argparse: mdfield
    for name, args in {
        "no-args": [], "one-arg": ["title"], "batch-no-fields": ["batch", "intro.md"],
        "batch-empty-fields": ["batch", "intro.md", "--fields"],
        "batch-no-file": ["batch", "--fields", "a"], "batch-only": ["batch"],
        "help": ["-h"], "help-batch": ["batch", "--help"], "help-late": ["title", "intro.md", "-h"],
        "extra": ["title", "intro.md", "extra"], "unknown-option": ["--bogus", "title", "intro.md"],
        "abbrev": ["--no-s", "title", "intro.md"], "ambiguous": ["--", "title", "intro.md"],
        "ambiguous-prefix": ["--u", "title", "intro.md"],
        "explicit-arg": ["--no-server=1", "title", "intro.md"],
        "fields-not-batch": ["title", "intro.md", "--fields", "a"],
        "batch-late": ["--no-server", "batch", "intro.md", "--fields", "title"],
        "batch-fields-first": ["batch", "--fields", "title", "date", "--", "intro.md"],
        "batch-fields-eq": ["batch", "intro.md", "--fields=title"],
        "batch-fields-abbrev": ["batch", "intro.md", "--fi", "title", "date"],
        "dash-field": ["-x", "intro.md"], "neg-number": ["-5", "intro.md"],
        "double-dash": ["--", "title", "intro.md"], "space-option": ["-a b", "intro.md"],
        "empty-field": ["", "intro.md"], "single-dash": ["-", "intro.md"],
        "mode-batch-twice": ["batch", "batch", "--fields", "x"],
    }.items():
        add(f"argparse/mdfield/{name}", "mdfield", args, demo)
    for cols in ["40", "120", "0", "abc", " 60 "]:
        add(f"argparse/mdfield/help-columns-{cols.strip() or 'blank'}", "mdfield", ["-h"], demo,
            {"COLUMNS": cols})
        add(f"argparse/mdfield/batch-usage-columns-{cols.strip() or 'blank'}", "mdfield",
            ["batch"], demo, {"COLUMNS": cols})

    # argparse: flags
    for name, args in {
        "no-args": [], "one-arg": ["post"], "bad-output": ["bogus", "intro"], "help": ["--help"],
        "help-short": ["-h"], "help-cluster": ["-hx"], "extra": ["post", "intro", "more"],
        "option": ["--x", "post", "intro"], "neg": ["post", "-1"], "dash-dash": ["--", "prefix", "intro"],
        "help-after-error": ["bogus", "-h"], "equals": ["--help=1"], "empty-output": ["", "intro"],
        "choice-case": ["Post", "intro"], "choice-prefix": ["po", "intro"],
    }.items():
        add(f"argparse/flags/{name}", "flags", args, demo)
    for cols in ["30", "50", "200"]:
        add(f"argparse/flags/help-columns-{cols}", "flags", ["-h"], demo, {"COLUMNS": cols})
        add(f"argparse/flags/usage-columns-{cols}", "flags", [], demo, {"COLUMNS": cols})
    add("flags/_demo/missing-talk", "flags", ["post", "no-such-talk"], demo)
    add("flags/_demo/directory-talk", "flags", ["prefix", "subdir/readme"], demo)
    add("flags/_demo/other-dir", "flags", ["post", "_demo/intro"], "talks")
    add("flags/_demo/intro-prefix-env", "flags", ["docx", "dotx-home"], demo, {"HOME": "{HOME}/templates/.."})

    # argparse: dependencies
    for name, args in {
        "no-args": [], "bad-type": ["snippets", "intro.md"], "help": ["-h"],
        "d-missing-value": ["inputs", "intro.md", "-d"], "S-missing-value": ["inputs", "intro.md", "-S"],
        "d-attached": ["slidediagrams", "intro.md", "-dX"], "d-equals": ["slidediagrams", "intro.md", "-d=Y"],
        "long-equals": ["slidediagrams", "intro.md", "--diagrams-dir=Z"],
        "long-abbrev": ["slidediagrams", "intro.md", "--diag", "W"],
        "ambiguous": ["slidediagrams", "intro.md", "--", "x"],
        "option-first": ["-d", "D", "slidediagrams", "intro.md"],
        "between": ["slidediagrams", "-d", "D", "intro.md"],
        "repeat": ["slidediagrams", "intro.md", "-d", "A", "-d", "B"],
        "empty-d": ["slidediagrams", "intro.md", "-d", ""],
        "unknown": ["inputs", "intro.md", "--snippets"],
        "extra": ["inputs", "intro.md", "other.md"],
        "dash-value": ["inputs", "intro.md", "-S", "-d"],
    }.items():
        add(f"argparse/dependencies/{name}", "dependencies", args, demo)
    add("argparse/dependencies/help-columns-60", "dependencies", ["-h"], demo, {"COLUMNS": "60"})

    # dependencies: every type over the talks that exercise them.
    scan_talks = [("_demo", "intro.md"), ("_demo", "includes.md"), ("_demo", "cycle.md"),
                  ("_demo", "selfinclude.md"), ("_demo", "badinclude.md"), ("_demo", "dirinclude.md"),
                  ("_demo", "relinclude.md"), ("_demo", "crlf.md"), ("_demo", "no-such.md"),
                  ("_demo", "badutf8.md"), ("_demo", "noheader.md"), ("_noconfig", "full.md"),
                  ("_missingflags", "m.md"), ("_missingflags", "m-some.md"), ("_postsnodir", "p.md"),
                  ("_postsnodir", "p-off.md"), ("_urldiag", "u.md"), ("_dirconfig", "d.md"),
                  ("_inherit", "i.md")]
    for d, md in scan_talks:
        for t in DEP_TYPES:
            add(f"dependencies/{d}/{md[:-3]}/type-{t}", "dependencies",
                [t, md, "-S", snippets], "talks/" + d)
            if t not in ("batch", "bibinputs"):
                    add(f"dependencies/{d}/{md[:-3]}/type-{t}-d", "dependencies",
                    [t, md, "-S", snippets, "-d", "$HOME/diagrams"], "talks/" + d)
    # snippets path forms and the default ".."
    for label, sp in {"default": None, "env": "$HOME/snippets", "relative": "../../snippets",
                      "braces": "${HOME}/snippets", "unset-var": "$NO_SUCH_LAMD_VAR/snippets",
                      "empty": ""}.items():
        args = ["batch", "includes.md", "-d", "diagrams"]
        if sp is not None:
            args += ["-S", sp]
        add(f"dependencies/_demo/includes/snippets-{label}", "dependencies", args, demo)
    add("dependencies/talks/snippets-dotdot", "dependencies",
        ["inputs", "_demo/includes.md", "-d", "d"], "talks")
    add("dependencies/snippets-root/batch", "dependencies",
        ["batch", "_ml/includes/intro.md", "-d", "d"], "snippets/_ml")
    add("dependencies/_demo/diagrams-url-cli", "dependencies",
        ["slidediagrams", "intro.md", "-S", snippets, "-d", "https://cdn.example.org/x"], demo)
    add("dependencies/_demo/diagrams-relative-cli", "dependencies",
        ["diagrams", "intro.md", "-S", snippets, "-d", "../x/./y//z/.."], demo)
    add("dependencies/_demo/diagrams-double-slash", "dependencies",
        ["slidediagrams", "intro.md", "-S", snippets, "-d", "//srv/diagrams"], demo)

    # lamd-resolve-diagrams-dir options
    for name, args in {
        "filesystem": ["--filesystem"], "both": ["--filesystem", "--web"], "d": ["-d", "x/y"],
        "d-web": ["--web", "-d", "$HOME/d"], "web-dir": ["--web", "--diagrams-web-dir", "/w/$HOME"],
        "web-dir-fs": ["--diagrams-web-dir", "/w"], "cwd": ["--cwd", "../_demo"],
        "cwd-web": ["--web", "--cwd", "../_web-url"], "cwd-missing": ["--cwd", "../_nope"],
        "cwd-empty": ["--cwd", ""], "cwd-abs": ["--cwd", "{HOME}/talks/_lecture"],
        "d-url": ["-d", "HTTPS://x.org/d"], "help": ["-h"], "bad": ["--bogus"],
        "abbrev": ["--w"], "abbrev-diagrams": ["--diagrams", "x"], "positional": ["x"],
    }.items():
        add(f"resolve/_demo/{name}", "lamd-resolve-diagrams-dir", args, demo)
    add("resolve/top/default", "lamd-resolve-diagrams-dir", [], "talks")
    add("resolve/home/cwd-web", "lamd-resolve-diagrams-dir", ["--web", "--cwd", "talks/_envdiag"], "")
    return out


def tree_hash(path):
    h = hashlib.sha1()
    if not os.path.lexists(path):
        return "none"
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for f in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            p = os.path.join(root, f)
            h.update(os.path.relpath(p, path).encode())
            if os.path.islink(p):
                h.update(b"L" + os.readlink(p).encode())
            elif os.path.isfile(p):
                h.update(open(p, "rb").read())
    return h.hexdigest()


def input_key(case, shared):
    parts = case["cwd"].split("/")
    own = tree_hash(os.path.join(FIXTURES, *parts[:2])) if parts[0] == "talks" and len(parts) > 1 else shared
    return hashlib.sha1(json.dumps([case, own, shared], sort_keys=True).encode()).hexdigest()


# The fork server, run by the oracle's Python (py-lynguine). It reads one
# JSON request per line on stdin and answers one JSON line on stdout.
DRIVER = r"""
import importlib, io, json, os, runpy, sys, traceback
for m in sys.argv[1].split():
    try:
        importlib.import_module(m)
    except Exception:
        pass
req_in, resp_out = sys.stdin, os.fdopen(os.dup(1), "w")
def child(req, w_out, w_err):
    os.dup2(w_out, 1)
    os.dup2(w_err, 2)
    fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd, 0)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                                   errors="backslashreplace", line_buffering=True)
    sys.argv = [req["script"]] + req["args"]
    code = 0
    try:
        runpy.run_path(req["script"], run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)
def read_all(fd):
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            return b"".join(chunks)
        chunks.append(b)
for line in req_in:
    req = json.loads(line)
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(r_out)
        os.close(r_err)
        child(req, w_out, w_err)
    os.close(w_out)
    os.close(w_err)
    import threading
    res = {}
    t = threading.Thread(target=lambda: res.__setitem__("err", read_all(r_err)))
    t.start()
    out = read_all(r_out)
    t.join()
    os.close(r_out)
    os.close(r_err)
    _, status = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    resp_out.write(json.dumps({"stdout": out.decode("utf-8", "surrogateescape"),
                               "stderr": res["err"].decode("utf-8", "surrogateescape"),
                               "rc": rc}) + "\n")
    resp_out.flush()
"""

# The third-party modules lamd's tools import, preloaded by the fork server.
PRELOAD = ("numpy pandas yaml frontmatter dateutil pytz six requests urllib3 idna certifi "
           "charset_normalizer json argparse warnings textwrap shutil runpy importlib logging "
           "datetime re typing dataclasses pathlib uuid hashlib secrets tempfile copy").split()


class ForkServer:
    def __init__(self, oracle):
        self.p = subprocess.Popen([os.path.join(oracle, "bin", "py-lynguine"), "-c", DRIVER,
                                   " ".join(PRELOAD)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  cwd=tempfile.gettempdir())

    def run(self, req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def strip_traceback_frames(text):
    """Keeps "Traceback (most recent call last):" and the exception text,
    drops the frame lines in between (they name the driver's own frames in
    fork mode, and line numbers in any mode)."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i] == "Traceback (most recent call last):":
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                i += 1
            out.append("  ...")
            continue
        i += 1
    return "\n".join(out)


def fresh_home():
    base = tempfile.mkdtemp(prefix="lamd-rec-")
    home = os.path.join(base, "home")
    shutil.copytree(FIXTURES, home, symlinks=True)
    return base, os.path.realpath(home)


def run_case(case, oracle, server=None, home=None):
    """Runs one case. `home` is a copy of the fixtures a worker reuses (the
    tools write nothing there but lynguine.log); None: a fresh copy."""
    base = None
    if home is None:
        base, home = fresh_home()
    try:
        def sub(s):
            return s.replace("{HOME}", home)

        env = {"HOME": home, "PATH": os.path.join(oracle, "bin") + ":/usr/bin:/bin",
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        for k, v in case["env"].items():
            env[k] = sub(v)
        cwd = os.path.join(home, case["cwd"]) if case["cwd"] else home
        args = [sub(a) for a in case["args"]]
        if server:
            r = server.run({"script": os.path.join(oracle, "lamd-bin", case["tool"]), "args": args,
                            "cwd": cwd, "env": env})
            stdout, stderr, rc = r["stdout"], r["stderr"], r["rc"]
        else:
            p = subprocess.run([os.path.join(oracle, "bin", "py-" + case["tool"])] + args,
                               cwd=cwd, env=env, capture_output=True, timeout=600)
            stdout = p.stdout.decode("utf-8", "surrogateescape")
            stderr = p.stderr.decode("utf-8", "surrogateescape")
            rc = p.returncode
        reps = [(os.path.join(oracle, "src", "lamd", "lamd", "includes"), "{LAMD_INCLUDES}"),
                (os.path.join(oracle, "src", "lamd"), "{LAMD_SRC}"),
                (os.path.join(oracle, "src", "lynguine"), "{LYNGUINE_SRC}"),
                (oracle, "{ORACLE}"), (home, "{HOME}")]

        def norm(s):
            for a, r in reps:
                s = s.replace(a, r)
            return s

        return dict(case, stdout=norm(stdout), stderr=strip_traceback_frames(norm(stderr)), rc=rc)
    finally:
        if base:
            shutil.rmtree(base, ignore_errors=True)


def record_all(todo, oracle, mode, jobs):
    """Runs (case, key) pairs; yields (case, key, result)."""
    if mode == "exec":
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
            futs = {ex.submit(run_case, c, oracle): (c, key) for c, key in todo}
            for f in concurrent.futures.as_completed(futs):
                c, key = futs[f]
                yield c, key, f.result()
        return
    import queue
    import threading
    q = queue.Queue()
    for item in todo:
        q.put(item)
    results = queue.Queue()

    def worker():
        server = ForkServer(oracle)
        base, home = fresh_home()
        try:
            while True:
                try:
                    c, key = q.get_nowait()
                except queue.Empty:
                    return
                results.put((c, key, run_case(c, oracle, server, home)))
        finally:
            server.close()
            shutil.rmtree(base, ignore_errors=True)

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for t in threads:
        t.start()
    for _ in range(len(todo)):
        yield results.get()
    for t in threads:
        t.join()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oracle", default=os.environ.get("LYNGUINE_ORACLE", "/tmp/lynguine-oracle"))
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--mode", choices=["fork", "exec"], default="fork")
    ap.add_argument("--verify", type=int, default=0, metavar="N")
    a = ap.parse_args()
    oracle = os.path.realpath(a.oracle)
    old = {}
    if os.path.exists(OUT):
        for r in json.load(open(OUT))["cases"]:
            old[r["name"]] = r
    shared = hashlib.sha1((tree_hash(os.path.join(FIXTURES, "snippets")) + tree_hash(
        os.path.join(FIXTURES, "templates")) + "".join(
        open(os.path.join(FIXTURES, "talks", f), "rb").read().hex()
        for f in sorted(os.listdir(os.path.join(FIXTURES, "talks")))
        if os.path.isfile(os.path.join(FIXTURES, "talks", f)))).encode()).hexdigest()
    todo, keep = [], {}
    all_cases = cases()
    names = [c["name"] for c in all_cases]
    assert len(names) == len(set(names)), "duplicate case names"
    for c in all_cases:
        key = input_key(c, shared)
        prev = old.get(c["name"])
        if (not a.force and prev and prev.get("key") == key) or (a.only and a.only not in c["name"]):
            if prev:
                keep[c["name"]] = prev
            continue
        todo.append((c, key))
    if a.verify:
        import random
        sample = random.Random(1).sample([(c, "") for c in all_cases], min(a.verify, len(all_cases)))
        forked = {c["name"]: r for c, _, r in record_all(sample, oracle, "fork", a.j)}
        execd = {c["name"]: r for c, _, r in record_all(sample, oracle, "exec", a.j)}
        bad = [n for n in forked if forked[n] != execd[n]]
        for n in bad:
            print(f"DIFFERENT {n}:\n fork {forked[n]}\n exec {execd[n]}", file=sys.stderr)
        print(f"verify: {len(sample)} cases, {len(bad)} different", file=sys.stderr)
        sys.exit(1 if bad else 0)
    print(f"{len(all_cases)} cases, {len(todo)} to record", file=sys.stderr)
    includes = sorted(os.listdir(os.path.join(oracle, "src", "lamd", "lamd", "includes")))

    def save():
        records = [keep[n] for n in names if n in keep]
        with open(OUT + ".tmp", "w") as f:
            json.dump({"oracle": "lynguine 0.1.2 + lamd 0.1.3", "lamd_includes": includes,
                       "cases": records}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.replace(OUT + ".tmp", OUT)
        return len(records)

    done = 0
    for c, key, r in record_all(todo, oracle, a.mode, a.j):
        r["key"] = key
        keep[c["name"]] = r
        done += 1
        if done % 50 == 0:
            save()
            print(f"  {done}/{len(todo)}", file=sys.stderr)
    n = save()
    print(f"wrote {n} recordings to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
