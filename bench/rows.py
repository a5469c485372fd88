#!/usr/bin/env python3
"""The benchmark row contract (see bench/run_all.sh): one JSON object per
line in the file named by $BENCH_ROWS, and a readable line on stdout.

A row: {"bench", "what", "ours", "unit", "baseline", "base", "ratio",
"target", "met", "alloc", "cache"} plus any extra keys (p50, p99, rss_mb...).
`ratio` is how many times better ours is than the baseline: base/ours when
lower is better (times, memory), ours/base when higher is better (req/s).

From Python:  import rows; rows.emit(bench=..., what=..., ...)
From a shell: python3 bench/rows.py emit bench=csv what='read 100k rows' ours=12.3 \\
                  unit=ms baseline='pandas read_csv' base=80.1 better=lower \\
                  target='>=6x' alloc='glibc default' cache=cold
              python3 bench/rows.py table FILE      # the table run_all.sh prints
Standard library only."""
import json
import math
import os
import re
import sys

COLUMNS = ("bench", "what", "ours", "unit", "baseline", "base", "ratio", "target", "met",
           "alloc", "cache")

# The allocator policy of a row, one wording everywhere. Ours is lynguine's
# (src/core/malloc_policy.h: mallopt keeps up to 128 MB of freed memory) in
# the binary, glibc's default in the Google Benchmark binaries that do not
# apply it; a baseline (Python, curl, Beast) runs with its own default.
ALLOC_OURS = "ours: lynguine's (mallopt keep 128 MB); base: its default"
ALLOC_OURS_BOTH = "both: lynguine's (mallopt keep 128 MB)"
ALLOC_GLIBC = "ours: glibc default; base: its default"


def _number(v):
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return float(v)


def ratio(ours, base, better):
    if ours is None or base is None or ours <= 0 or base <= 0:
        return None
    return base / ours if better == "lower" else ours / base


def target_met(target, ours, r):
    """'>=6x' / '>=1x' compare the ratio; '<2 ms', '>=40000 req/s', '<15 MB'
    compare ours. None when there is nothing to compare."""
    if not target:
        return None
    m = re.fullmatch(r"\s*(<=|>=|<|>)\s*([\d.,_]+)\s*(x|×)?.*", target)
    if not m:
        return None
    op, num, times = m.group(1), float(m.group(2).replace(",", "").replace("_", "")), m.group(3)
    value = r if times else ours
    if value is None:
        return None
    return {"<": value < num, "<=": value <= num, ">": value > num, ">=": value >= num}[op]


def make(bench, what, ours, unit, baseline, base, better="lower", target=None, alloc=None,
         cache=None, **extra):
    ours, base = _number(ours), _number(base)
    r = ratio(ours, base, better)
    row = {"bench": bench, "what": what, "ours": ours, "unit": unit, "baseline": baseline,
           "base": base, "ratio": None if r is None else round(r, 2), "target": target,
           "met": target_met(target, ours, r), "alloc": alloc, "cache": cache}
    row.update(extra)
    return row


def emit(**kw):
    row = make(**kw)
    path = os.environ.get("BENCH_ROWS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(readable(row), flush=True)
    return row


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        if math.isnan(v):
            return "-"
        if abs(v) >= 1000:
            return "{:,.0f}".format(v)
        if abs(v) >= 10:
            return "%.1f" % v
        return "%.3g" % v
    return str(v)


def readable(row):
    return "[%s] %s: %s %s vs %s %s %s (%sx better; target %s: %s; alloc %s; cache %s)" % (
        row["bench"], row["what"], _fmt(row["ours"]), row["unit"], row["baseline"],
        _fmt(row["base"]), row["unit"], _fmt(row["ratio"]), _fmt(row["target"]),
        _fmt(row["met"]), row["alloc"], row["cache"])


def table(rows):
    head = ("bench", "what", "ours", "baseline", "base", "ratio", "target", "met", "alloc",
            "cache")
    body = []
    for r in rows:
        unit = r.get("unit") or ""
        body.append((r["bench"], r["what"], "%s %s" % (_fmt(r["ours"]), unit),
                     r.get("baseline") or "-",
                     "-" if r.get("base") is None else "%s %s" % (_fmt(r["base"]), unit),
                     "-" if r.get("ratio") is None else _fmt(r["ratio"]) + "x",
                     _fmt(r.get("target")), _fmt(r.get("met")), r.get("alloc") or "-",
                     r.get("cache") or "-"))
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(b) for b in body]
    return "\n".join(out)


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            if text.strip():
                row = json.loads(text)
                missing = [k for k in COLUMNS if k not in row]
                if missing:
                    raise ValueError("%s:%d: row without %s" % (path, n, missing))
                rows.append(row)
    return rows


def main(argv):
    if len(argv) >= 2 and argv[1] == "emit":
        kw = {}
        for a in argv[2:]:
            k, _, v = a.partition("=")
            kw[k] = v
        emit(**kw)
        return 0
    if len(argv) == 3 and argv[1] == "table":
        print(table(load(argv[2])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
