#!/bin/sh
# Runs lynguine's own server-mode test suite (lynguine/tests/test_server_mode.py
# from the oracle kit, unchanged) against our server, and prints pass/fail per
# test.
#
#   tools/lynguine_suite.sh [pytest args, e.g. -k Sessions]
#
# The tests start servers with `python -m lynguine.server --host H --port P
# [--idle-timeout S]` and import lynguine (its client, its lockfile helpers)
# in-process. A shim directory, first on PYTHONPATH, holds a `lynguine`
# package whose __init__ runs the real one (and whose __path__ continues
# into the real package), plus a `lynguine/server.py` that, run as a
# program, execs `lynguine serve` with the same arguments, and, imported,
# is the real lynguine.server module. Nothing in the kit is edited.
#
# Environment: LYNGUINE_BIN (default build/bin/lynguine), LYNGUINE_ORACLE
# (default /tmp/lynguine-oracle), LYNGUINE_SUITE_SERVE_ARGS (extra arguments
# for `lynguine serve`), KEEP=1 keeps the work directory, REFERENCE=1 runs
# the same suite against lynguine's own Python server (no shim), to tell
# failures of the environment (e.g. running as root) from ours.
# CLIENT_REQUESTS=N runs, instead of the suite, N requests through lynguine's
# own ServerClient(auto_start=True) (it starts our server through the shim
# with stdout and stderr piped and never read), alternating health checks and
# reads of a small CSV, and prints how many completed, the time, and the
# binary the auto-started server runs (proof that ours answered).
# Servers the tests leave running (auto-started ones) are stopped at the end.
# Needs /usr/bin/python3 with pytest and requests (Debian python3-pytest,
# python3-requests). The tests use fixed ports 8766 and 8767-8770.
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=${LYNGUINE_BIN:-$REPO/build/bin/lynguine}
ORACLE=${LYNGUINE_ORACLE:-/tmp/lynguine-oracle}
REAL=$ORACLE/src/lynguine/lynguine
SUITE=$REAL/tests/test_server_mode.py
[ -x "$BIN" ] || { echo "no binary at $BIN (make build)" >&2; exit 2; }
[ -f "$SUITE" ] || { echo "no oracle kit at $ORACLE (../shared/oracle/setup)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lynguine-suite.XXXXXX")
# Auto-started servers detach (start_new_session): find them by their
# HOME, which is this run's own.
stop_leftovers() {
  for p in $(grep -l "HOME=$WORK/home" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
    [ "$p" != $$ ] && kill "$p" 2>/dev/null || true
  done
}
cleanup() { stop_leftovers; [ "${KEEP:-}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/shim/lynguine" "$WORK/home" "$WORK/run" "$WORK/tmp"

cat > "$WORK/shim/lynguine/__init__.py" <<EOF
# Shim: the real lynguine package, with this directory searched first so
# that lynguine.server below takes the place of the real one.
import os as _os
_REAL = "$REAL"
__path__.append(_REAL)
__file__ = _os.path.join(_REAL, "__init__.py")
with open(__file__) as _f:
    exec(compile(_f.read(), __file__, "exec"))
EOF

# lynguine's ServerClient reaches the server over TCP and sends no token: a
# binary whose servers may require one (it has an --auth option, not only
# --auth-token) is started with the documented loopback opt-out.
AUTH_ARGS=
if "$BIN" serve --help 2>/dev/null | grep -Eq -- '--auth([ ,=]|$)'; then
  AUTH_ARGS="--auth none"
fi

cat > "$WORK/shim/lynguine/server.py" <<EOF
# Shim: \`python -m lynguine.server ARGS\` runs our binary with ARGS;
# \`import lynguine.server\` is the real module (lockfile helpers, ...).
import os as _os
import sys as _sys
_REAL = _os.path.join("$REAL", "server.py")
if __name__ == "__main__":
    _bin = "$BIN"
    _extra = "$AUTH_ARGS".split() + _os.environ.get("LYNGUINE_SUITE_SERVE_ARGS", "").split()
    _os.execv(_bin, [_bin, "serve", *_sys.argv[1:], *_extra])
else:
    __file__ = _REAL
    with open(_REAL) as _f:
        exec(compile(_f.read(), _REAL, "exec"))
EOF

if [ -n "${CLIENT_REQUESTS:-}" ]; then
  printf 'a,b\n1,x\n2,y\n' > "$WORK/run/small.csv"
  cat > "$WORK/run/client_requests.py" <<'EOF'
import os, sys, time
from lynguine.client import ServerClient
n, port = int(sys.argv[1]), int(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
c = ServerClient(server_url="http://127.0.0.1:%d" % port, auto_start=True,
                 idle_timeout=120, max_retries=1)
source = {"type": "csv", "filename": "small.csv"}
start = time.monotonic()
done = 0
for i in range(n):
    if i % 2:
        assert c.health_check()["status"] == "ok"
    else:
        assert len(c.read_data(data_source=source, directory=here)) == 2
    done += 1
took = time.monotonic() - start
proc = c._server_process
exe = os.readlink("/proc/%d/exe" % proc.pid) if proc else "(none: a server was already running)"
print("%d of %d requests completed in %.1f s; the auto-started server (pid %s) runs %s"
      % (done, n, took, proc.pid if proc else "-", exe))
EOF
  cd "$WORK/run"
  env -u LYNGUINE_STATE_DIR HOME="$WORK/home" TMPDIR="$WORK/tmp" \
    PYTHONPATH="$WORK/shim:$ORACLE/site:$ORACLE/src/lynguine:$ORACLE/src/lamd" \
    /usr/bin/python3 "$WORK/run/client_requests.py" "$CLIENT_REQUESTS" "${CLIENT_PORT:-8771}"
  exit $?
fi

# An empty pytest configuration: the kit's pyproject.toml is not ours.
: > "$WORK/run/pytest.ini"

SHIM="$WORK/shim:"
[ "${REFERENCE:-}" = 1 ] && SHIM=
cd "$WORK/run"
status=0
env -u LYNGUINE_STATE_DIR HOME="$WORK/home" TMPDIR="$WORK/tmp" \
  PYTHONPATH="$SHIM$ORACLE/site:$ORACLE/src/lynguine:$ORACLE/src/lamd" \
  /usr/bin/python3 -m pytest -c "$WORK/run/pytest.ini" --rootdir "$WORK/run" \
  -p no:cacheprovider -rA -v "$SUITE" "$@" > "$WORK/log" 2>&1 || status=$?

# One line per test, then the summary.
grep -E '^(PASSED|FAILED|ERROR) ' "$WORK/log" | sed 's|^\([A-Z]*\) [^:]*::|\1 |' | sort -k2 || true
tail -n 1 "$WORK/log"
if [ "$status" != 0 ]; then
  echo "--- failures (first lines of each) ---"
  awk '/^=+ FAILURES =+$/ {on=1} /^=+ (PASSES|short test summary)/ {on=0} on' "$WORK/log" | \
    grep -E '^(_{3,} .* _{3,}|E  )' | cut -c1-220 | head -200
fi
exit "$status"
