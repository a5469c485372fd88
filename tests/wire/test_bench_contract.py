"""The benchmark row contract (bench/rows.py, bench/run_all.sh) without
running a benchmark: ratios and targets are computed the right way round, a
row missing a key is refused, and every script run_all.sh picks up parses."""
import glob
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, temp_dir

sys.path.insert(0, os.path.join(REPO, "bench"))
import rows  # noqa: E402


def test_ratio_is_how_many_times_better_ours_is():
    t = rows.make(bench="b", what="w", ours=2.0, unit="ms", baseline="x", base=10.0,
                  target="<3 ms", alloc="a", cache="hit")
    assert t["ratio"] == 5.0 and t["met"] is True
    slow = rows.make(bench="b", what="w", ours=20.0, unit="ms", baseline="x", base=10.0,
                     target=">=1x", alloc="a", cache="hit")
    assert slow["ratio"] == 0.5 and slow["met"] is False
    rps = rows.make(bench="b", what="w", ours=30000, unit="req/s", baseline="x", base=10000,
                    better="higher", target=">=40000 req/s", alloc="a", cache="miss")
    assert rps["ratio"] == 3.0 and rps["met"] is False
    none = rows.make(bench="b", what="w", ours=1.0, unit="ms", baseline="x", base=None,
                     target=">=5x", alloc="a", cache="cold")
    assert none["ratio"] is None and none["met"] is None


def test_rows_are_written_and_tabled_and_incomplete_ones_refused(monkeypatch):
    d = temp_dir()
    path = os.path.join(d, "rows.jsonl")
    monkeypatch.setenv("BENCH_ROWS", path)
    rows.emit(bench="b", what="one", ours=1.0, unit="ms", baseline="x", base=4.0, alloc="a",
              cache="hit", p99_ms=3.0)
    loaded = rows.load(path)
    assert len(loaded) == 1 and loaded[0]["ratio"] == 4.0 and loaded[0]["p99_ms"] == 3.0
    table = rows.table(loaded)
    assert "| b " in table and "4x" in table
    with open(path, "a") as f:
        f.write(json.dumps({"bench": "b", "what": "no baseline keys", "ours": 1}) + "\n")
    with pytest.raises(ValueError):
        rows.load(path)


def declared():
    return [f for f in sorted(glob.glob(os.path.join(REPO, "bench", "*")))
            if os.path.isfile(f) and not f.endswith("run_all.sh")
            and any(line.startswith("# bench-rows:") for line in open(f, errors="replace"))]


def test_run_all_finds_the_benchmarks_and_each_parses():
    found = [os.path.basename(f) for f in declared()]
    for name in ("server_bench.py", "field_bench.py", "liquid_bench.py", "directory_bench.py"):
        assert name in found, found
    for f in declared():
        if f.endswith(".py"):
            compile(open(f).read(), f, "exec")
        elif f.endswith(".sh"):
            assert subprocess.run(["bash", "-n", f]).returncode == 0, f
    assert subprocess.run(["bash", "-n", os.path.join(REPO, "bench", "run_all.sh")]).returncode == 0
