#!/usr/bin/env bash
# Checks that PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, and starts the local
# ones when they do not (the commands are those of a Debian machine with both packages installed).
set -euo pipefail

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 60); do
    if eval "$check" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "error: $what does not answer" >&2
  return 1
}

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "[services] starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
wait_for "PostgreSQL on 127.0.0.1:5432" "pg_isready -h 127.0.0.1 -p 5432 -q"

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "[services] starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for "Redis on 127.0.0.1:6379" "redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG"
echo "[services] PostgreSQL and Redis answer"
