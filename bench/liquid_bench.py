#!/usr/bin/env python3
# bench-rows: Liquid rendering (build/bin/liquid_bench) against python-liquid through lynguine's own render_liquid
"""Liquid, in-process on both sides, one run:

- the ~20-line record template of bench/liquid_bench.cc (kRecordTemplate,
  read from that file so both sides render the same text) over 10,000
  records, render_liquid per record: ours (BM_RecordTemplate; its parsed-
  template cache answers after the first record) against
  lynguine's `util.text.render_liquid(Compute({}), template, **record)`
  (python-liquid 2.3 with lynguine's filters, from the reference kit);
- `Hello {{ name }}!` parsed once and rendered repeatedly (BM_SimpleRender)
  against python-liquid's `Template.render` on the same environment;
- the same through render_liquid per render (BM_SimpleRenderLiquid) against
  lynguine's render_liquid.

The records are generated here the way liquid_bench.cc's make_records does;
the first 200 are rendered by both engines (ours through `lynguine call POST
/api/compute`) and must be identical before anything is timed.

    bench/liquid_bench.py       (BENCH_QUICK=1: shorter runs)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import rows  # noqa: E402

N_RECORDS = 10000
CHECKED = 200
# render_liquid keeps parsed templates (src/assess/liquid): after the first
# record ours renders from that cache; lynguine's from_string parses every call.
CACHED = "ours: parsed-template cache hit; base: parses every call"


def record_template():
    with open(os.path.join(B.REPO, "bench", "liquid_bench.cc"), encoding="utf-8") as f:
        src = f.read()
    m = re.search(r'kRecordTemplate = R"\((.*?)\)";', src, re.S)
    if not m:
        raise RuntimeError("kRecordTemplate not found in bench/liquid_bench.cc")
    return m.group(1)


def make_records(n):
    """liquid_bench.cc's make_records."""
    out = []
    for i in range(n):
        out.append({
            "title": "Deep Learning Part %d" % i, "year": 1990 + i % 35,
            "venue": "NeurIPS" if i % 3 else "", "score": 1.5 + (i % 7) * 0.5,
            "tags": ["ml", "ai", "stats"], "path": "/papers/p%d.ipynb" % i,
            "kind": "book" if i % 2 else "paper",
            "summary": "A long summary of the paper that goes on and on about results",
            "family": "Lawrence", "given": "Neil",
            "authors": [{"given": "A.", "family": "One"}, {"given": "B.", "family": "Two"}]})
    return out


PY_BENCH = r'''
import json, sys, time
from lynguine.assess.compute import Compute
from lynguine.util.text import render_liquid
template, records, quick = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3] == "1"
compute = Compute({})
env = compute._liquid_env
def best(fn, reps):
    b = 1e9
    for _ in range(reps):
        t = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t)
    return b
if sys.argv[4] == "check":
    print(json.dumps([render_liquid(compute, template, **r) for r in records])); sys.exit()
rec = best(lambda: [render_liquid(compute, template, **r) for r in records], 1 if quick else 3)
tpl = env.from_string("Hello {{ name }}!")
n = 20000 if quick else 200000
simple = best(lambda: [tpl.render(name="World") for _ in range(n)], 3)
m = 2000 if quick else 20000
parsed = best(lambda: [render_liquid(compute, "Hello {{ name }}!", name="World") for _ in range(m)], 3)
print(json.dumps({"records_per_s": len(records) / rec, "renders_per_s": n / simple,
                  "parse_renders_per_s": m / parsed}))
'''


def ours_figures():
    exe = os.path.join(B.BUILD, "bin", "liquid_bench")
    r = subprocess.run([exe, "--benchmark_format=json",
                        "--benchmark_min_time=%s" % ("0.2" if B.QUICK else "2")],
                       capture_output=True, text=True, check=True)
    out = {}
    for b in json.loads(r.stdout)["benchmarks"]:
        for k in ("records_per_second", "renders_per_second"):
            if k in b:
                out[b["name"]] = b[k]
    return out


def main():
    template = record_template()
    records = make_records(N_RECORDS)
    tmp = tempfile.mkdtemp(prefix="lyn-liquid-bench-")
    try:
        rec_file = os.path.join(tmp, "records.json")
        py = None
        if B.oracle_ok():
            with open(rec_file, "w") as f:
                json.dump(records[:CHECKED], f)
            body = json.dumps({"operation": "render_liquid", "params": {"template": template},
                               "data": {"records": records[:CHECKED]}})
            ours_out = subprocess.run([B.BINARY, "call", "POST", "/api/compute", body], cwd=tmp,
                                      capture_output=True, text=True, check=True).stdout
            py_out = subprocess.run([B.PYTHON, "-c", PY_BENCH, template, rec_file, "0", "check"],
                                    cwd=tmp, env=B.oracle_env(), capture_output=True, text=True,
                                    check=True).stdout
            mine, theirs = json.loads(ours_out)["result"], json.loads(py_out)
            differ = [i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b]
            if differ:
                i = differ[0]
                raise SystemExit("liquid_bench: %d of %d records render differently; first, #%d:"
                                 "\nours:   %r\nlynguine: %r" % (len(differ), CHECKED, i, mine[i],
                                                                 theirs[i]))
            with open(rec_file, "w") as f:
                json.dump(records, f)
            py = json.loads(subprocess.run(
                [B.PYTHON, "-c", PY_BENCH, template, rec_file, "1" if B.QUICK else "0", "time"],
                cwd=tmp, env=B.oracle_env(), capture_output=True, text=True, check=True).stdout)
        ours = ours_figures()
        get = lambda k: py and py[k]
        rows.emit(bench="liquid", what="record template over 10,000 records, render_liquid each",
                  ours=ours["BM_RecordTemplate"], unit="records/s", better="higher",
                  baseline="lynguine render_liquid (python-liquid 2.3)", base=get("records_per_s"),
                  alloc=rows.ALLOC_GLIBC, cache=CACHED)
        rows.emit(bench="liquid", what="'Hello {{ name }}!' rendered, parsed once",
                  ours=ours["BM_SimpleRender"], unit="renders/s", better="higher",
                  baseline="python-liquid Template.render", base=get("renders_per_s"),
                  target=">=1000000 renders/s", alloc=rows.ALLOC_GLIBC, cache="n/a")
        rows.emit(bench="liquid", what="'Hello {{ name }}!' through render_liquid each time",
                  ours=ours["BM_SimpleRenderLiquid"], unit="renders/s", better="higher",
                  baseline="lynguine render_liquid", base=get("parse_renders_per_s"),
                  alloc=rows.ALLOC_GLIBC, cache=CACHED)
        return 0
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
