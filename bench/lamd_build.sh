#!/usr/bin/env bash
# bench-rows: a whole lamd build (maketalk + make all) on our tools vs lamd's Python tools
# Issue 10's whole-build target: a real lamd build of a fixture talk
# (bench/lamd_build/: a talk with included snippets, diagrams, a
# bibliography and people), as a lamd user runs it: `maketalk intro.md`
# (which writes the makefile and runs `make all`: the posts page and the
# reveal.js slides, through mdpp, gpp and pandoc), then `make all` again (the
# no-op re-make, which still expands every $(shell ...) of lamd's makefiles).
#
# Two arms, interleaved round by round (the order alternates), in the same
# directory so that absolute paths in the outputs agree:
#   python  lamd 0.1.3's own tools from the oracle kit;
#   ours    this binary first on PATH as mdfield, flags, dependencies and
#           lamd-resolve-diagrams-dir (the other lamd tools, maketalk, mdpp
#           and mdpeople, stay Python).
# Every lamd tool is reached through a logging shim, which records each call
# and whether the program it runs is a Python script: the Python processes
# per tool are counted from that log.
#
# Checks: every output file of the build is byte-identical between the arms;
# no Python process for mdfield, flags, dependencies or
# lamd-resolve-diagrams-dir in our arm. Target: our arm's wall time at most
# 0.45x the Python arm's (median over ROUNDS, default 3).
#
# Needs the oracle kit (LYNGUINE_ORACLE, default /tmp/lynguine-oracle) and
# pandoc and gpp from apt (`make bench-deps`). Rows go to $BENCH_ROWS.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${LYNGUINE_BIN:-$here/build/bin/lynguine}
oracle=${LYNGUINE_ORACLE:-/tmp/lynguine-oracle}
rounds=${ROUNDS:-3}
for need in "$oracle/lamd-bin/maketalk" /usr/bin/pandoc /usr/bin/gpp; do
  if [ ! -e "$need" ]; then
    echo "lamd_build: missing $need (oracle kit: ../shared/oracle/setup; pandoc, gpp: make bench-deps)" >&2
    exit 1
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ours_tools="mdfield flags dependencies lamd-resolve-diagrams-dir"
all_tools="$ours_tools maketalk mdpp mdpeople makecv mdlist"

# targets/<arm>/<tool>: what the shim runs (a link named as the tool, so the
# program sees its own name in argv[0]).
for arm in python ours; do
  mkdir -p "$work/targets/$arm" "$work/shims/$arm"
  for t in $all_tools; do
    ln -s "$oracle/lamd-bin/$t" "$work/targets/$arm/$t"
  done
done
for t in $ours_tools; do
  ln -sf "$bin" "$work/targets/ours/$t"
done
for arm in python ours; do
  for t in $all_tools; do
    target="$work/targets/$arm/$t"
    kind=native
    if head -c 2 "$(readlink -f "$target")" | grep -q '#!' &&
       head -n 1 "$(readlink -f "$target")" | grep -q python; then
      kind=python
    fi
    cat > "$work/shims/$arm/$t" <<EOF
#!/bin/sh
echo "$t $kind" >> "\$LAMD_BENCH_LOG"
exec "$target" "\$@"
EOF
    chmod +x "$work/shims/$arm/$t"
  done
done

setup_tree() {
  rm -rf "$work/run"
  mkdir -p "$work/run"
  cp -a "$here/bench/lamd_build/home" "$work/run/home"
  sed "s|@LAMD_MACROS@|$oracle/src/lamd/lamd/macros/|" \
    "$work/run/home/talks/_demo/_lamd.yml.in" > "$work/run/home/talks/_demo/_lamd.yml"
  rm "$work/run/home/talks/_demo/_lamd.yml.in"
}

# run_arm ARM ROUND: builds, records wall time, output checksums, tool log.
run_arm() {
  local arm=$1 round=$2
  setup_tree
  local log="$work/log.$arm.$round"
  : > "$log"
  local t0 t1
  t0=$(date +%s.%N)
  (
    cd "$work/run/home/talks/_demo"
    export HOME="$work/run/home" LAMD_BENCH_LOG="$log"
    export PATH="$work/shims/$arm:/usr/bin:/bin"
    "$work/shims/$arm/maketalk" intro.md > "$work/out.$arm.$round" 2>&1
    make all >> "$work/out.$arm.$round" 2>&1
  ) || { echo "lamd_build: the $arm build failed:" >&2; tail -30 "$work/out.$arm.$round" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' > "$work/time.$arm.$round"
  (cd "$work/run/home" && find . -type f ! -name lynguine.log -print0 | sort -z |
     xargs -0 sha256sum) > "$work/sums.$arm.$round"
}

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="python ours"; else order="ours python"; fi
  for arm in $order; do run_arm "$arm" "$r"; done
  if ! diff "$work/sums.python.$r" "$work/sums.ours.$r" > "$work/diff.$r"; then
    echo "lamd_build: outputs differ between the arms (round $r):" >&2
    cat "$work/diff.$r" >&2
    exit 1
  fi
done

python3 - "$work" "$rounds" "$ours_tools" "$here/bench" <<'PY'
import collections, statistics, sys
work, rounds, ours_tools = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
sys.path.insert(0, sys.argv[4])
import rows
times = {arm: [float(open(f"{work}/time.{arm}.{r}").read()) for r in range(1, rounds + 1)]
         for arm in ("python", "ours")}
calls = {}
for arm in ("python", "ours"):
    c = collections.Counter()
    for line in open(f"{work}/log.{arm}.1"):
        tool, kind = line.split()
        c[(tool, kind)] += 1
    calls[arm] = c
py_med, ours_med = statistics.median(times["python"]), statistics.median(times["ours"])
ratio = ours_med / py_med
no_python = all(calls["ours"][(t, "python")] == 0 for t in ours_tools)
files = sum(1 for _ in open(f"{work}/sums.ours.1"))
print(f"lamd build (maketalk + make all, posts + slides), {rounds} rounds interleaved, "
      f"{files} output files identical")
print(f"  python arm: median {py_med:.2f} s  {['%.2f' % t for t in times['python']]}")
print(f"  ours arm:   median {ours_med:.2f} s  {['%.2f' % t for t in times['ours']]}")
print(f"  ours/python wall time: {ratio:.3f}x (target <= 0.45x: {'met' if ratio <= 0.45 else 'NOT met'})")
print("  calls per build (first round)      python arm          ours arm")
tools = sorted({t for c in calls.values() for t, _ in c})
def show(c, t):
    py, nat = c[(t, "python")], c[(t, "native")]
    return f"{py} python" + (f" + {nat} native" if nat else "")
for t in tools:
    print(f"    {t:<28} {show(calls['python'], t):<20} {show(calls['ours'], t)}")
py_procs = {arm: sum(n for (t, k), n in calls[arm].items() if k == "python") for arm in calls}
print(f"  Python processes of lamd's tools: python arm {py_procs['python']}, ours {py_procs['ours']}; "
      f"none for {', '.join(ours_tools)} in ours: {'yes' if no_python else 'NO'}")
# ours <= 0.45x Python's wall time is a ratio (base/ours) of at least 1/0.45.
rows.emit(bench="lamd_build", what="maketalk + make all of a fixture talk (posts + slides)",
          ours=round(ours_med, 3), unit="s", baseline="same build on lamd 0.1.3's Python tools",
          base=round(py_med, 3), target=">=2.22x", alloc=rows.ALLOC_OURS,
          cache="warm page cache; no server (direct mode)", rounds=rounds,
          python_processes=py_procs, no_python_for_our_tools=no_python,
          outputs_identical=files)
PY
