#!/usr/bin/env bash
# bench-rows: whole flags prefix / dependencies batch processes vs lamd's Python tools
# Issue 10's per-call target: a whole `flags prefix BASE` process and a whole
# `dependencies batch FILE` process (this binary under those names, direct
# mode, process start included), each under 3 ms median, measured beside
# lamd 0.1.3's own Python tools in the same run (hyperfine, one invocation
# per tool: ours then Python's). The talk is tests/lamd/fixtures' _demo/intro
# (an include tree with nested snippets and every diagram macro).
#
# The Python tools come from the oracle kit (LYNGUINE_ORACLE, default
# /tmp/lynguine-oracle; see ../shared/oracle/README.md). Without it the rows
# carry "base": null.
#
# Rows (JSON lines) go to $BENCH_ROWS when set; a readable table is printed.
# RUNS (ours, default 300) and PY_RUNS (Python, default 5) set the run counts.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${LYNGUINE_BIN:-$here/build/bin/lynguine}
oracle=${LYNGUINE_ORACLE:-/tmp/lynguine-oracle}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$here/tests/lamd/fixtures/home" "$work/home"
mkdir "$work/bin"
for t in flags dependencies; do ln -s "$bin" "$work/bin/$t"; done
export HOME="$work/home"
cd "$HOME/talks/_demo"

dep_args="batch intro.md --snippets-path $HOME/snippets/ --diagrams-dir ../slides/diagrams"
cmds=("$work/bin/flags prefix intro" "$work/bin/dependencies $dep_args")
py=()
if [ -x "$oracle/bin/py-flags" ]; then
  py=("$oracle/bin/py-flags prefix intro" "$oracle/bin/py-dependencies $dep_args")
fi

# The outputs must agree before the times mean anything.
if [ ${#py[@]} -gt 0 ]; then
  for i in 0 1; do
    if ! diff <(${cmds[$i]} 2>/dev/null) <(${py[$i]} 2>/dev/null) > /dev/null; then
      echo "lamd_tools_bench: outputs differ for: ${cmds[$i]}" >&2
      exit 1
    fi
  done
fi

# The machine's floor for a process of this binary, in the same run.
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/floor.json" "$bin --version" \
  > /dev/null
for i in 0 1; do
  args=(-N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/ours$i.json" "${cmds[$i]}")
  hyperfine "${args[@]}" > /dev/null
  if [ ${#py[@]} -gt 0 ]; then
    hyperfine -N --warmup 1 --runs "${PY_RUNS:-5}" --export-json "$work/py$i.json" "${py[$i]}" \
      > /dev/null
  fi
done

python3 - "$work" "$here/bench" <<'PY'
import json, os, sys
work = sys.argv[1]
sys.path.insert(0, sys.argv[2])
import rows
whats = ["flags prefix BASE (whole process)", "dependencies batch FILE (whole process)"]
floor = json.load(open(f"{work}/floor.json"))["results"][0]["median"] * 1e3
for i, what in enumerate(whats):
    ours = json.load(open(f"{work}/ours{i}.json"))["results"][0]
    py_file = f"{work}/py{i}.json"
    base = json.load(open(py_file))["results"][0] if os.path.exists(py_file) else None
    o = ours["median"] * 1e3
    b = base["median"] * 1e3 if base else None
    rows.emit(bench="lamd_tools", what=what + ", median", ours=round(o, 3), unit="ms",
              baseline="lamd 0.1.3 " + what.split()[0] + " (Python, oracle)",
              base=round(b, 1) if b else None, target="<3 ms",
              p90_ms=round(sorted(ours["times"])[int(len(ours["times"]) * 0.9)] * 1e3, 3),
              floor_ms=round(floor, 3), floor="lynguine --version, same run",
              alloc=rows.ALLOC_OURS, cache="warm page cache; no server (direct mode)")
PY
