#!/usr/bin/env python3
# bench-rows: mdfield in direct mode, a whole process per call, against lamd's own mdfield and python3's start-up
"""`lynguine field date talk.md` (direct mode, the start included) against
lamd's `mdfield date talk.md` from lynguine's reference kit, and against
`python3 -c pass` (what any Python tool pays before its first line), in one
hyperfine run on examples/project. The outputs are checked equal first.

    bench/field_bench.py        (BENCH_QUICK=1: fewer runs)
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import rows  # noqa: E402

RUNS = 30 if B.QUICK else int(os.environ.get("RUNS", "500"))
PY_RUNS = 5 if B.QUICK else int(os.environ.get("PY_RUNS", "30"))
FIELDS = ["title", "date", "categories", "reveal", "week"]


def main():
    work = B.work_dir("lyn-field-bench-")
    root = os.path.join(work, "project")
    try:
        env = B.lynguine_env(work)
        mdfield_py = os.path.join(B.ORACLE, "lamd-bin", "mdfield")
        ours = "%s field date talk.md" % B.BINARY
        ours_batch = "%s mdfield batch talk.md --fields %s" % (B.BINARY, " ".join(FIELDS))
        py_batch = "%s batch talk.md --fields %s" % (mdfield_py, " ".join(FIELDS))
        have_py = B.oracle_ok()
        # The same answers first.
        run = lambda cmd: subprocess.run(cmd.split(), cwd=root, env=env, capture_output=True,
                                         text=True, check=True).stdout
        if have_py:
            assert run(ours) == run("%s date talk.md" % mdfield_py)
            assert run(ours_batch) == run(py_batch)
        fast = B.hyperfine([ours, ours_batch, "%s -c pass" % B.PYTHON], RUNS, 30, work, env=env,
                           cwd=root)
        med = [r["median"] * 1e3 for r in fast]
        slow = [None, None]
        if have_py:
            res = B.hyperfine(["%s date talk.md" % mdfield_py, py_batch], PY_RUNS, 2, work,
                              env=env, cwd=root)
            slow = [r["median"] * 1e3 for r in res]
        rows.emit(bench="field", what="mdfield date talk.md, whole process, direct mode",
                  ours=med[0], unit="ms", baseline="lamd mdfield (Python), direct mode",
                  base=slow[0], target="<2 ms", alloc=rows.ALLOC_OURS, cache="cold", runs=RUNS,
                  base_runs=PY_RUNS)
        rows.emit(bench="field", what="mdfield date talk.md, whole process, direct mode",
                  ours=med[0], unit="ms", baseline="python3 -c pass (interpreter start only)",
                  base=med[2], alloc=rows.ALLOC_OURS, cache="cold", runs=RUNS)
        rows.emit(bench="field", what="mdfield batch, %d fields, whole process" % len(FIELDS),
                  ours=med[1], unit="ms", baseline="lamd mdfield batch (Python)", base=slow[1],
                  alloc=rows.ALLOC_OURS, cache="cold", runs=RUNS, base_runs=PY_RUNS)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
