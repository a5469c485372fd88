#!/usr/bin/env bash
# Issue 2's target: `lynguine field date talk.md` as a whole process (start
# included) against `python3 -c pass`, in one hyperfine run on this machine.
# Target: median under 2 ms. Prints both medians and their ratio.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${LYNGUINE_BIN:-$here/build/bin/lynguine}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/examples/project/." "$work/"
cd "$work"
hyperfine -N --warmup 30 --runs ${RUNS:-500} --export-json "$work/out.json" \
  "$bin field date talk.md" "/usr/bin/python3 -c pass" > /dev/null
python3 - "$work/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, py = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"lynguine field date talk.md : median {ours:.3f} ms (mean {r[0]['mean']*1e3:.3f}, stddev {r[0]['stddev']*1e3:.3f})")
print(f"/usr/bin/python3 -c pass    : median {py:.3f} ms")
print(f"ratio python/lynguine       : {py/ours:.1f}x")
print(f"target (< 2 ms median)      : {'met' if ours < 2.0 else 'NOT met'}")
PY
