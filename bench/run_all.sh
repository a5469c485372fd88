#!/usr/bin/env bash
# `make bench`: runs every benchmark script in bench/ that declares itself
# with a line starting `# bench-rows:` and prints ONE table of their rows.
#
# The contract for a benchmark script (any language, executable or run by
# bash/python3 from its extension):
#   - it declares itself: a comment line `# bench-rows: <what it measures>`;
#   - it appends its rows, one JSON object per line, to the file named by
#     $BENCH_ROWS (bench/rows.py writes them: `python3 bench/rows.py emit ...`
#     or `import rows; rows.emit(...)`), and prints them readably when run alone;
#   - every row has its baseline measured in the same run (interleaved where
#     possible), the allocator policy (`alloc`) and the cache state (`cache`:
#     hit, miss, cold or n/a); see the keys in bench/rows.py;
#   - it finds the build in $BUILD (default build/) and lynguine's Python
#     reference kit in $LYNGUINE_ORACLE (default /tmp/lynguine-oracle); a
#     baseline it cannot measure is a row with "base": null, never a silent gap.
# Environment: BENCH_QUICK=1 asks scripts for fewer runs (a smoke test of the
# scripts themselves; the figures are then rough).
#
# Exit status: 0 when every script ran and the oracle was there, 1 otherwise
# (the table is printed either way).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export BUILD=${BUILD:-build}
export LYNGUINE_BIN=${LYNGUINE_BIN:-$here/$BUILD/bin/lynguine}
export LYNGUINE_ORACLE=${LYNGUINE_ORACLE:-/tmp/lynguine-oracle}

oracle_ok=1
if [[ ! -x "$LYNGUINE_ORACLE/bin/py-lynguine" ]]; then
  oracle_ok=0
  cat >&2 <<EOF
==============================================================================
lynguine's Python reference kit is not set up at $LYNGUINE_ORACLE:
the rows whose baseline is lynguine (its server, its client, mdfield,
python-liquid) will have no baseline. Set it up with
    ../shared/oracle/setup $LYNGUINE_ORACLE
or point LYNGUINE_ORACLE at an existing kit.
==============================================================================
EOF
fi
if [[ ! -x "$LYNGUINE_BIN" ]]; then
  echo "no lynguine binary at $LYNGUINE_BIN: run make build first" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lyn-bench-all.XXXXXX")
trap 'rm -rf "$work"' EXIT
export BENCH_ROWS="$work/rows.jsonl"
: >"$BENCH_ROWS"

scripts=()
for f in bench/*; do
  [[ -f "$f" && "$f" != bench/run_all.sh ]] || continue
  if ! grep -q '^# bench-rows:' "$f" 2>/dev/null; then
    # Shell scripts are meant to be benchmarks: say which one is left out.
    [[ "$f" == *.sh ]] && echo "skipped $f: no '# bench-rows:' line (not in the table)" >&2
    continue
  fi
  scripts+=("$f")
done

failed=()
for f in "${scripts[@]}"; do
  echo "== $f: $(grep -m1 '^# bench-rows:' "$f" | sed 's/^# bench-rows: *//')"
  before=$(wc -l <"$BENCH_ROWS")
  case "$f" in
    *.py) python3 "$f" ;;
    *.sh) bash "$f" ;;
    *) "$f" ;;
  esac
  rc=$?
  after=$(wc -l <"$BENCH_ROWS")
  if [[ $rc -ne 0 ]]; then
    failed+=("$f (exit $rc)")
  elif [[ $after -eq $before ]]; then
    failed+=("$f (no rows)")
  fi
done

echo
echo "== make bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/rows.py table "$BENCH_ROWS"
echo "ratio: how many times better ours is than the baseline (base/ours for times and memory,"
echo "ours/base for throughput). alloc: the allocator policy of each side (bench/rows.py). cache:"
echo "hit = the server's parsed-file cache answered, miss = it had to read the file (more files"
echo "than it holds, or the file touched first); both counted by the server itself. cold = a new"
echo "process each call. Figures depend on the machine's load: the header line gives it."
status=0
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED: ${failed[*]}" >&2
  status=1
fi
if [[ $oracle_ok -eq 0 ]]; then
  echo "NOTE: lynguine's reference kit was missing ($LYNGUINE_ORACLE): rows against lynguine have no baseline." >&2
  status=1
fi
exit $status
