#!/usr/bin/env bash
# Directory-reader benchmark: 1,000 markdown files with YAML front matter,
# read by `lynguine read` (markdown_directory) against a Python standard
# library equivalent (split the front matter; PyYAML when importable),
# in the same run. Prints both times and their ratio.
#
# Usage: bench/directory_bench.sh [N_FILES] [REPEATS]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${LYNGUINE_BIN:-$here/build/bin/lynguine}"
n="${1:-1000}"
repeats="${2:-5}"

dir="$(mktemp -d /tmp/lyn-dirbench.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, f"talk{i:04d}.md"), "w") as f:
        f.write(f"""---
title: "Talk number {i}"
week: {i % 12}
lecturer: Neil D. Lawrence
slides: {'true' if i % 2 else 'false'}
duration: {45 + (i % 3) * 2.5}
date: "2024-10-{1 + i % 28:02d}"
topics: [probability, gp, talk{i}]
venue:
  name: Room {i % 7}
  capacity: {20 + i}
---

\\include{{_ml/includes/intro-{i}.md}}

Some body text for talk {i}, long enough to look like a real abstract.
""")
PY

source_json="{\"type\":\"markdown_directory\",\"source\":[{\"directory\":\"$dir\",\"glob\":\"*.md\"}]}"

now() { python3 -c 'import time; print(time.perf_counter())'; }

if [[ ! -x "$bin" ]]; then
  echo "no CLI at $bin; build it first (cmake --build build --target lynguine)" >&2
  exit 2
fi

# Warm the page cache, and check that it works.
rows="$("$bin" read --root "$dir" --source "$source_json" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("data",d); print(d["shape"][0])')"
echo "lynguine read: $rows rows"

best_cpp=1e9
for _ in $(seq "$repeats"); do
  t0=$(now); "$bin" read --root "$dir" --source "$source_json" > /dev/null; t1=$(now)
  best_cpp=$(python3 -c "print(min($best_cpp, $t1 - $t0))")
done

py_script='
import glob, os, sys, time
try:
    import yaml
    load = lambda s: yaml.safe_load(s)
    kind = "PyYAML"
except ImportError:
    kind = "split-only"
    def load(s):
        out = {}
        for line in s.splitlines():
            if ":" in line and not line.startswith(" "):
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip()
        return out
t0 = time.perf_counter()
records = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.md"))):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    meta, content = {}, text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            meta = load(text[4:end]) or {}
            content = text[end + 4:].strip()
    meta["content"] = content
    meta["sourceRoot"], meta["sourceDirectory"] = os.path.split(os.path.dirname(path))
    meta["sourceFilename"] = os.path.basename(path)
    records.append(meta)
print(kind, len(records), time.perf_counter() - t0)
'
best_py=1e9
for _ in $(seq "$repeats"); do
  t0=$(now); out="$(python3 -c "$py_script" "$dir")"; t1=$(now)
  best_py=$(python3 -c "print(min($best_py, $t1 - $t0))")
done
echo "python ($(echo "$out" | cut -d' ' -f1), whole process incl. interpreter start): rows=$(echo "$out" | cut -d' ' -f2)"

python3 - "$best_cpp" "$best_py" "$n" <<'PY'
import sys
cpp, py, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"files={n}  lynguine read best={cpp*1000:.1f} ms  python best={py*1000:.1f} ms  "
      f"speed-up={py/cpp:.1f}x")
PY
