#!/usr/bin/env python3
# bench-rows: a markdown_directory of 1,000 talks read by `lynguine read` against lynguine's own read_data, whole processes
"""1,000 markdown files with YAML front matter read as a markdown_directory:
`lynguine read --source ...` (a whole process, JSON printed) against
lynguine's `access.io.read_data` on the same description in a whole Python
process (import included, the frame converted to records), best of N each,
in one run. The record counts and titles are checked equal first.

    bench/directory_bench.py [N_FILES]     (BENCH_QUICK=1: 200 files, fewer runs)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import rows  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else (200 if B.QUICK else 1000)
REPS = 3 if B.QUICK else 7

PY_READ = r'''
import json, sys
from lynguine.access.io import read_data
df = read_data(json.loads(sys.argv[1]))
df = df[0] if isinstance(df, tuple) else df
print(json.dumps({"n": len(df), "titles": sorted(str(t) for t in df["title"])}))
'''


def write_talks(d, n):
    for i in range(n):
        with open(os.path.join(d, "talk%04d.md" % i), "w") as f:
            f.write('---\ntitle: "Talk number %d"\nweek: %d\nlecturer: Neil D. Lawrence\n'
                    "slides: %s\nduration: %s\ndate: \"2024-10-%02d\"\n"
                    "topics: [probability, gp, talk%d]\nvenue:\n  name: Room %d\n"
                    "  capacity: %d\n---\n\n\\include{_ml/includes/intro-%d.md}\n\n"
                    "Some body text for talk %d, long enough to look like a real abstract.\n"
                    % (i, i % 12, "true" if i % 2 else "false", 45 + (i % 3) * 2.5,
                       1 + i % 28, i, i % 7, 20 + i, i, i))


def best(cmd, env, cwd):
    b = 1e9
    for _ in range(REPS):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        b = min(b, time.perf_counter() - t)
    return b * 1e3


def main():
    tmp = tempfile.mkdtemp(prefix="lyn-dir-bench-")
    try:
        talks = os.path.join(tmp, "talks")
        os.mkdir(talks)
        write_talks(talks, N)
        source = json.dumps({"type": "markdown_directory",
                             "source": [{"directory": talks, "glob": "*.md"}]})
        ours_cmd = [B.BINARY, "read", "--root", tmp, "--source", source]
        out = json.loads(subprocess.run(ours_cmd, cwd=tmp, capture_output=True, text=True,
                                        check=True).stdout)["data"]
        base = None
        if B.oracle_ok():
            py_cmd = [B.PYTHON, "-c", PY_READ, source]
            theirs = json.loads(subprocess.run(py_cmd, cwd=tmp, env=B.oracle_env(),
                                               capture_output=True, text=True,
                                               check=True).stdout)
            titles = sorted(str(r["title"]) for r in out["records"])
            assert theirs == {"n": out["shape"][0], "titles": titles}, "different records"
            base = best(py_cmd, B.oracle_env(), tmp)
        ours = best(ours_cmd, None, tmp)
        rows.emit(bench="directory", what="markdown_directory of %d talks, whole process" % N,
                  ours=ours, unit="ms", baseline="lynguine read_data (Python, import included)",
                  base=base, alloc=rows.ALLOC_OURS, cache="cold", files=N, reps=REPS)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
