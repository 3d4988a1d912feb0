#!/usr/bin/env bash
# Installs configurable-http-proxy (npm), which JupyterHub starts, OUTSIDE the checkout:
# into $COURSE_CHP_PREFIX (default ~/.cache/course-classroom/npm), where tools/classroom/hub.py
# looks for it (after $CONFIGURABLE_HTTP_PROXY and PATH). Needed by tests/notebooks/test_hub.py and
# tools/classroom/hub_load.py; JupyterHub itself comes from requirements-dev.txt.
#
#   bash tools/classroom/ci-install.sh        # idempotent, silent when all is well
set -euo pipefail

CHP_VERSION=5.3.0   # keep equal to PROXY_VERSION in tools/classroom/hub.py
PREFIX="${COURSE_CHP_PREFIX:-$HOME/.cache/course-classroom/npm}"
BIN="$PREFIX/bin/configurable-http-proxy"

fail() { echo "tools/classroom/ci-install.sh: $*" >&2; exit 1; }

if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null || true)" = "$CHP_VERSION" ]; then
  exit 0  # already there, at the pinned version
fi

command -v node >/dev/null 2>&1 || fail "node is not installed; configurable-http-proxy $CHP_VERSION needs Node.js 20 or later with npm"
command -v npm >/dev/null 2>&1 || fail "npm is not installed; configurable-http-proxy $CHP_VERSION needs Node.js 20 or later with npm"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" -ge 20 ] || fail "configurable-http-proxy $CHP_VERSION needs Node.js 20 or later, found $(node --version)"

mkdir -p "$PREFIX"
LOG="$PREFIX/npm-install.log"
if ! npm install --global --prefix "$PREFIX" --no-audit --no-fund --loglevel=error \
    "configurable-http-proxy@$CHP_VERSION" >"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  fail "npm install configurable-http-proxy@$CHP_VERSION into $PREFIX failed (log above, full log in $LOG)"
fi
FOUND="$("$BIN" --version 2>/dev/null || true)"
[ "$FOUND" = "$CHP_VERSION" ] || fail "installed configurable-http-proxy reports version '$FOUND', expected $CHP_VERSION ($BIN)"
