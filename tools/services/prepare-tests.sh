#!/usr/bin/env bash
# Prepares a machine for `npm test` (the root package's `pretest` runs it): starts PostgreSQL and Redis when they
# are down (start-services.sh), and installs Debian's Chromium, which the storefront test of apps/checkout drives
# through playwright-core, when it is missing. As root with apt-get it installs it; otherwise it prints the one
# command to run and fails, rather than letting the storefront test fail later.
#
# Environment: TEST_CHROMIUM_BIN (default /usr/bin/chromium) is the browser the storefront test starts;
# SERVICES_WAIT_SECONDS as for start-services.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
chromium="${TEST_CHROMIUM_BIN:-/usr/bin/chromium}"

log() { printf 'prepare-tests: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

bash "$here/start-services.sh"

if [[ -x "$chromium" ]]; then
  log "Chromium is at $chromium"
elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  log "installing Debian's chromium for the storefront test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  [[ -x "$chromium" ]] || die "apt-get installed chromium, but $chromium is still missing (set TEST_CHROMIUM_BIN)"
else
  die "the storefront test needs Chromium at $chromium; install it with: sudo apt-get install chromium (or set TEST_CHROMIUM_BIN)"
fi
