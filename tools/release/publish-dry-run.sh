#!/usr/bin/env bash
# Usage: tools/release/publish-dry-run.sh
# What `nx release publish` would send to npm, without sending it: builds every publishable package, checks what
# each tarball holds (tools/release/check-tarball.mjs) and runs `npm publish --dry-run` in each, so that a manifest
# npm refuses fails here and not in the middle of a release. Needs no npm login.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mapfile -t packages < <(node "$repo/tools/release/publishable-packages.mjs")
(cd "$repo" && NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build --skip-nx-cache --output-style=static >/dev/null)

for package in "${packages[@]}"; do
  (cd "$repo/$package" && npm pack --silent --pack-destination "$work" >/dev/null)
done
node "$repo/tools/release/check-tarball.mjs" "$work"/*.tgz

for package in "${packages[@]}"; do
  # --loglevel=error keeps npm's file listing and its "requires you to be logged in (dry-run)" warning out of CI logs.
  (cd "$repo/$package" && npm publish --dry-run --loglevel=error >/dev/null)
  echo "npm publish --dry-run passed: $package"
done
