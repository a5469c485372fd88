#!/usr/bin/env bash
# Times the CSV reader on a 100,000-row CSV against Python's csv module and
# pandas.read_csv (when importable from `python3` or /usr/bin/python3), in
# one run, and prints the ratios. Targets: at least pandas' speed and at
# least 5x Python's csv module.
#
# Ours is timed two ways when available:
#   - build/bin/csv_read_bench (Google Benchmark, read_data on the file,
#     same work as pandas: parse + type inference into a frame);
#   - build/bin/lynguine read --source '{"type":"csv",...}' (whole CLI
#     process, including printing the JSON answer), if the CLI supports it.
#
# Everything runs twice: first as shipped -- lynguine with its own allocator
# policy (src/core/malloc_policy.h, set by the binary and by the bench
# harness alike), Python and pandas with their defaults -- then with
# MALLOC_KEEP=1, GLIBC_TUNABLES keeping freed memory applied to all three
# readers alike.
# Usage: bench/csv_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
if [[ "${MALLOC_KEEP:-}" == 1 ]]; then
  export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824
  echo "== malloc keeps freed memory (GLIBC_TUNABLES=$GLIBC_TUNABLES)"
else
  echo "== as shipped (lynguine's malloc policy; Python with its defaults)"
fi
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CSV=/tmp/lyn_csv_bench_100k.csv
ROWS=100000
REPS=${REPS:-7}

python3 - "$CSV" "$ROWS" <<'PY'
import csv, random, sys
path, rows = sys.argv[1], int(sys.argv[2])
random.seed(1)
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "name", "affiliation", "age", "score", "accepted", "registered",
                "country", "notes"])
    for i in range(rows):
        w.writerow([i, f"Person {i}", f"University {i % 97}, Dept. {i % 13}",
                    "" if i % 10 == 0 else 20 + i % 60, round(random.random() * 100, 2),
                    "True" if i % 2 else "False", f"2024-05-{10 + i % 18}",
                    "UK" if i % 3 else "US",
                    'Works on "morphogenesis"\nand more' if i % 5 == 0 else "plain note"])
PY
echo "file: $CSV ($(wc -c <"$CSV") bytes, $ROWS rows)"

best_of() {  # best wall time in ms of REPS runs of "$@"
  local best=""
  for _ in $(seq "$REPS"); do
    local t0 t1 ms
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000 ))
    if [[ -z "$best" || "$ms" -lt "$best" ]]; then best=$ms; fi
  done
  awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }'
}

ours_ms=""
if [[ -x "$BUILD/bin/csv_read_bench" ]]; then
  ours_ms=$(LYN_BENCH_CSV="$CSV" "$BUILD/bin/csv_read_bench" --benchmark_filter=BM_ReadDataCsv \
      --benchmark_repetitions=5 --benchmark_format=json 2>/dev/null |
    python3 -c 'import json,sys; r=[b for b in json.load(sys.stdin)["benchmarks"] if b.get("run_type")=="iteration"]; print("%.1f %.1f" % (min(b["real_time"] for b in r), min(b["cpu_time"] for b in r)))')
  ours_cpu=${ours_ms#* }; ours_ms=${ours_ms% *}
  echo "lynguine read_data (csv_read_bench, in-process):  ${ours_ms} ms wall, ${ours_cpu} ms cpu"
fi
cli_ms=""
SRC="{\"type\":\"csv\",\"filename\":\"$CSV\"}"
if [[ -x "$BUILD/bin/lynguine" ]] &&
   "$BUILD/bin/lynguine" read --root "$(dirname "$CSV")" --source "$SRC" >/dev/null 2>&1; then
  cli_ms=$(best_of "$BUILD/bin/lynguine" read --root "$(dirname "$CSV")" --source "$SRC")
  echo "lynguine read CLI (process + JSON output):        ${cli_ms} ms"
fi
if [[ -z "$ours_ms" && -z "$cli_ms" ]]; then
  echo "build $BUILD/bin/csv_read_bench or $BUILD/bin/lynguine first" >&2
  exit 1
fi

csv_ms=$(python3 - "$CSV" "$REPS" <<'PY'
import csv, sys, time
path, reps = sys.argv[1], int(sys.argv[2])
best, cpu = 1e9, 1e9
for _ in range(reps):
    rows = None
    t, c = time.perf_counter(), time.process_time()
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
print("%.1f %.1f" % (best * 1000, cpu * 1000))
PY
)
csv_cpu=${csv_ms#* }; csv_ms=${csv_ms% *}
echo "python3 csv.reader (list of rows, no types):      ${csv_ms} ms wall, ${csv_cpu} ms cpu"

pandas_ms=""
pandas_cpu=""
for py in python3 /usr/bin/python3; do
  if "$py" -c "import pandas" 2>/dev/null; then
    pandas_ms=$("$py" - "$CSV" "$REPS" <<'PY'
import sys, time
import pandas as pd
path, reps = sys.argv[1], int(sys.argv[2])
best, cpu = 1e9, 1e9
for _ in range(reps):
    df = None
    t, c = time.perf_counter(), time.process_time()
    df = pd.read_csv(path)
    best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
print("%.1f %.1f" % (best * 1000, cpu * 1000))
PY
)
    pandas_cpu=${pandas_ms#* }; pandas_ms=${pandas_ms% *}
    echo "pandas $("$py" -c 'import pandas; print(pandas.__version__)') read_csv ($py):        ${pandas_ms} ms wall, ${pandas_cpu} ms cpu"
    break
  fi
done
[[ -z "$pandas_ms" ]] && echo "pandas: not importable from python3 or /usr/bin/python3"

ratio() {  # label ours python_csv pandas
  awk -v l="$1" -v o="$2" -v c="$3" -v p="$4" 'BEGIN {
    printf "%-9s speedup vs python csv: %.2fx (target >= 5x)", l, c / o
    if (p != "") printf "; vs pandas: %.2fx (target >= 1x)", p / o
    printf "\n" }'
}
[[ -n "$ours_ms" ]] && ratio "wall" "$ours_ms" "$csv_ms" "$pandas_ms"
[[ -n "$ours_ms" ]] && ratio "cpu" "$ours_cpu" "$csv_cpu" "$pandas_cpu"
[[ -n "$cli_ms" ]] && ratio "cli wall" "$cli_ms" "$csv_ms" "$pandas_ms"
echo "(wall times on a busy machine are noisy; cpu times are the steadier comparison)"
if [[ -z "${MALLOC_KEEP:-}" ]]; then
  echo
  MALLOC_KEEP=1 exec "$0" "$@"
fi
