#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis the tests use, when they are down, and waits until both answer.
# Does nothing to a service that already answers, so it is safe to run any number of times.
# The commands are those of the machine's service table (services.md); users with Docker can run
# `docker compose up -d postgres redis` instead.
#
# Environment: SERVICES_WAIT_SECONDS (default 30) bounds the wait for each service.
set -euo pipefail

wait_seconds="${SERVICES_WAIT_SECONDS:-30}"

log() { printf 'start-services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

require() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; $2"
}

postgres_up() { pg_isready -q -h 127.0.0.1 >/dev/null 2>&1; }
redis_up() { [[ "$(redis-cli ping 2>/dev/null)" == "PONG" ]]; }

# wait_for NAME CHECK: polls CHECK every half second for at most $wait_seconds.
wait_for() {
  local name="$1" check="$2" deadline=$((SECONDS + wait_seconds))
  until "$check"; do
    if ((SECONDS >= deadline)); then
      die "$name did not answer within ${wait_seconds}s (raise SERVICES_WAIT_SECONDS to wait longer)"
    fi
    sleep 0.5
  done
  log "$name is up"
}

start_postgres() {
  if postgres_up; then
    log "PostgreSQL is already up"
    return
  fi
  require pg_ctlcluster "install PostgreSQL (Debian: apt-get install postgresql) or use docker compose"
  [[ -d /etc/postgresql ]] || die "no PostgreSQL cluster under /etc/postgresql"
  log "starting PostgreSQL"
  # A cluster that is already starting refuses a second start; the wait below decides.
  # shellcheck disable=SC2046
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ||
    log "pg_ctlcluster exited with $?; waiting for PostgreSQL anyway"
  wait_for PostgreSQL postgres_up
}

start_redis() {
  if redis_up; then
    log "Redis is already up"
    return
  fi
  require redis-server "install Redis (Debian: apt-get install redis-server) or use docker compose"
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
    log "redis-server exited with $?; waiting for Redis anyway"
  wait_for Redis redis_up
}

require pg_isready "install the PostgreSQL client (Debian: apt-get install postgresql-client)"
require redis-cli "install the Redis client (Debian: apt-get install redis-tools)"
start_postgres
start_redis
