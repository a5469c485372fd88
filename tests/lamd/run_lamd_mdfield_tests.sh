#!/usr/bin/env bash
# Runs lamd's own tests/test_mdfield_server.py (from the oracle kit) with this
# binary first on PATH as `mdfield`, and our server behind lamd's shell
# client (lamd/scripts/mdfield-server, which reads LAMD_SERVER_URL).
# The tests and the script are copied to a temporary tree laid out as lamd's
# repository (the oracle's own tree is left untouched).
#
# Expected: every test passes except test_speedup, which asserts that the
# shell client (curl + jq against a server) is at least twice as fast as
# `mdfield` -- and the native mdfield is faster than curl.
#
#   tests/lamd/run_lamd_mdfield_tests.sh [PORT]      (needs python3-pytest, curl, jq)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${LYNGUINE_BIN:-$here/build/bin/lynguine}
oracle=${LYNGUINE_ORACLE:-/tmp/lynguine-oracle}
port=${1:-0}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/lamd/tests" "$work/lamd/lamd/scripts" "$work/bin" "$work/home" "$work/tmp"
cp "$oracle/src/lamd/tests/test_mdfield_server.py" "$work/lamd/tests/"
cp "$oracle/src/lamd/lamd/scripts/mdfield-server" "$work/lamd/lamd/scripts/"
ln -s "$bin" "$work/bin/mdfield"
if [ "$port" = 0 ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi
export HOME="$work/home" TMPDIR="$work/tmp"
# lamd's shell client (curl) sends no token: --auth none, the documented
# opt-out for lynguine's and lamd's own clients.
(cd "$work/tmp" && exec "$bin" serve --port "$port" --root "$work/tmp" --auth none --quiet) &
server_pid=$!
for _ in $(seq 1 200); do
  curl -s -f "http://127.0.0.1:$port/api/health" > /dev/null 2>&1 && break
  sleep 0.1
done
curl -s -f "http://127.0.0.1:$port/api/health" > /dev/null
cd "$work/lamd"
PATH="$work/bin:$PATH" LAMD_SERVER_URL="http://127.0.0.1:$port" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -m pytest -v -p no:cacheprovider --basetemp="$work/tmp/pytest" \
  tests/test_mdfield_server.py
