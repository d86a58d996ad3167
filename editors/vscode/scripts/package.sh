#!/usr/bin/env bash
# Builds the smaqit VS Code extension as a .vsix that bundles a Linux x64 smaqit-ls.
#
#   editors/vscode/scripts/package.sh [--server BINARY] [-o OUT.vsix]
#
# Without --server it runs `cargo build --release -p smaqit-ls` and bundles
# target/release/smaqit-ls. The build happens in a staging copy of the extension
# under ${SMAQIT_CACHE:-~/.cache/smaqit-ci}/vscode/ext-build, so node_modules never
# lands in the repository; only the .vsix is written (default:
# editors/vscode/smaqit-ls-<version>.vsix).
set -euo pipefail
EXT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$EXT/../.." && pwd)
SERVER=""
OUT=""
while [ $# -gt 0 ]; do
  case $1 in
    --server) SERVER=$2; shift 2 ;;
    -o|--out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

. "$EXT/scripts/node24.sh"
BUILD=$SMAQIT_VSCODE_CACHE/ext-build
VERSION=$(node -p "require('$EXT/package.json').version")
OUT=${OUT:-$EXT/smaqit-ls-$VERSION.vsix}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac

if [ -z "$SERVER" ]; then
  echo "== cargo build --release -p smaqit-ls"
  (cd "$ROOT" && cargo build --release -p smaqit-ls)
  SERVER=$ROOT/target/release/smaqit-ls
fi
[ -x "$SERVER" ] || { echo "package.sh: server binary $SERVER is missing or not executable" >&2; exit 1; }
case $(file -b "$SERVER" 2>/dev/null || echo unknown) in
  *ELF*x86-64*|unknown) ;;
  *) echo "package.sh: $SERVER is not a Linux x86-64 executable" >&2; exit 1 ;;
esac

echo "== staging the extension in $BUILD"
mkdir -p "$BUILD"
find "$BUILD" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
for f in package.json package-lock.json tsconfig.json .vscodeignore README.md CHANGELOG.md LICENSE src images; do
  [ -e "$EXT/$f" ] && cp -R "$EXT/$f" "$BUILD/"
done
smaqit_npm_ci "$BUILD"

echo "== typecheck and bundle"
(cd "$BUILD" && npx tsc -p . && npm run -s build)

echo "== bundling $SERVER"
mkdir -p "$BUILD/server"
cp "$SERVER" "$BUILD/server/smaqit-ls"
chmod 755 "$BUILD/server/smaqit-ls"

echo "== vsce package"
mkdir -p "$(dirname "$OUT")"
(cd "$BUILD" && npx vsce package --no-dependencies -o "$OUT")
ls -l "$OUT"
