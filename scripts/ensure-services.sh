#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer where DATABASE_URL and REDIS_URL point (by default
# 127.0.0.1:5432 and 127.0.0.1:6379, as ./leash sets them).
# The default local addresses are this machine's to set up, the Debian way: a missing server is
# installed from Debian's packages, a PostgreSQL cluster is created when there is none (a development
# cluster: local TCP connections need no password, as the default DATABASE_URL expects), and a
# stopped server is started. A default port held by a program that does not answer as the server is
# reported at once. A server anywhere else is only checked: it is not ours to install or start.
# PgBouncer and HAProxy are installed too when missing: the tests start private ones of their own (the
# pooler and load-balancer scenarios), never Debian's services, which are stopped and disabled where
# systemd started them.
set -euo pipefail
# shellcheck source=scripts/lib/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/as-root.sh"

DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/leash}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
# Debian keeps each installed PostgreSQL server version in a folder of its own here (the tests point it elsewhere).
PG_LIB_DIR=${LEASH_PG_LIB_DIR:-/usr/lib/postgresql}
# Where Debian puts pgbouncer and haproxy: not on every user's PATH.
SBIN_DIR=${LEASH_SBIN_DIR:-/usr/sbin}
PG_PORT=5432
REDIS_PORT=6379
# pg_isready and psql refuse options meant for the app's driver (?schema=...).
PG_CHECK_URL=${DATABASE_URL%%\?*}

fail() {
  echo "error: $*" >&2
  exit 1
}

# Sets url_host, url_port and url_where from a URL such as postgresql://user:password@host:port/db?options.
parse_url() {
  local authority=${1#*://}
  authority=${authority%%[/?]*}
  authority=${authority##*@}
  if [[ $authority == \[* ]]; then
    url_host=${authority%%]*}
    url_host=${url_host#\[}
    url_port=${authority#*]}
  else
    url_host=${authority%%:*}
    url_port=${authority#"$url_host"}
  fi
  url_port=${url_port#:}
  url_port=${url_port:-$2}
  if [[ $url_host == *:* ]]; then url_where="[$url_host]:$url_port"; else url_where="${url_host:-localhost}:$url_port"; fi
}

# True when the last parsed URL is this machine's default address for a server on port $1 (no host: the local socket).
is_local_default() {
  [[ ($url_host == 127.0.0.1 || $url_host == localhost || $url_host == ::1 || -z $url_host) && $url_port == "$1" ]]
}

# Who listens on local TCP port $1: "name (pid N)", or "a program" when ss cannot say; nothing when the port is free.
port_holder() {
  local line
  if command -v ss >/dev/null 2>&1; then
    line=$(ss -Hltnp "sport = :$1" 2>/dev/null) || true
    [[ -n $line ]] || return 0
    if [[ $line =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
      echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"
    else
      echo "a program"
    fi
  elif (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "a program"
  fi
}

# Stops at once when a program holds default port $1 without answering as the server ($2: what to say next).
refuse_if_held() {
  local holder
  holder=$(port_holder "$1")
  [[ -z $holder ]] || fail "127.0.0.1:$1 is held by $holder, $2"
}

# A program on the port may accept a connection and never answer.
bounded() {
  if command -v timeout >/dev/null 2>&1; then timeout 5 "$@"; else "$@"; fi
}

# 0: PostgreSQL accepts connections; 1: it answers but refuses them (starting or stopping); 2: no answer;
# 127: it cannot be asked (no pg_isready).
postgres_status() {
  command -v pg_isready >/dev/null 2>&1 || return 127
  pg_isready -q -t 3 -d "$PG_CHECK_URL"
}

# Like postgres_status, for Redis; what it said is left in redis_said.
redis_status() {
  redis_said=""
  command -v redis-cli >/dev/null 2>&1 || return 127
  redis_said=$(bounded redis-cli -u "$REDIS_URL" ping 2>&1) || true
  case $redis_said in
    PONG) return 0 ;;
    LOADING*) return 1 ;;
    *) return 2 ;;
  esac
}

# The newest PostgreSQL server version installed the Debian way; empty when there is none.
newest_pg_version() {
  local initdb version newest=""
  for initdb in "$PG_LIB_DIR"/*/bin/initdb; do
    [[ -e $initdb ]] || continue
    version=${initdb#"$PG_LIB_DIR"/}
    version=${version%%/*}
    if [[ -z $newest ]] || ((${version%%.*} > ${newest%%.*})); then newest=$version; fi
  done
  echo "$newest"
}

postgres_installed() {
  command -v pg_isready >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1 &&
    command -v pg_createcluster >/dev/null 2>&1 && [[ -n $(newest_pg_version) ]]
}

redis_installed() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1
}

tool_installed() {
  [[ -x $SBIN_DIR/$1 ]] || command -v "$1" >/dev/null 2>&1
}

# Sets pg_plan: ok, starting (it answers but is not ready yet) or setup (install, create, start: the default local address only).
plan_postgres() {
  local status=0
  parse_url "$DATABASE_URL" "$PG_PORT"
  pg_where=$url_where
  pg_local=false
  if is_local_default "$PG_PORT"; then pg_local=true; fi
  postgres_status || status=$?
  case $status in
    0) pg_plan=ok ;;
    1) pg_plan=starting ;;
    *)
      if [[ $pg_local == false ]]; then
        ((status != 127)) || fail "pg_isready (PostgreSQL's client tools) is needed to check PostgreSQL at $pg_where (DATABASE_URL)"
        fail "PostgreSQL at $pg_where (DATABASE_URL) does not answer; it is not this machine's default address, so it is not ours to start"
      fi
      if ((status == 127)); then
        refuse_if_held "$PG_PORT" "and without pg_isready nothing here can tell whether it is PostgreSQL: install PostgreSQL's client tools"
      else
        refuse_if_held "$PG_PORT" "which does not answer as PostgreSQL: stop it, or set DATABASE_URL to a PostgreSQL elsewhere"
      fi
      pg_plan=setup
      ;;
  esac
}

# Sets redis_plan, as plan_postgres does.
plan_redis() {
  local status=0
  parse_url "$REDIS_URL" "$REDIS_PORT"
  redis_where=$url_where
  redis_status || status=$?
  case $status in
    0) redis_plan=ok ;;
    1) redis_plan=starting ;;
    *)
      if ! is_local_default "$REDIS_PORT"; then
        ((status != 127)) || fail "redis-cli (Redis's tools) is needed to check Redis at $redis_where (REDIS_URL)"
        fail "Redis at $redis_where (REDIS_URL) does not answer (${redis_said:-no answer to PING}); it is not this machine's default address, so it is not ours to start"
      fi
      if ((status == 127)); then
        refuse_if_held "$REDIS_PORT" "and without redis-cli nothing here can tell whether it is Redis: install Redis's tools"
      else
        refuse_if_held "$REDIS_PORT" "which does not answer as Redis (${redis_said:-no answer to PING}): stop it, or set REDIS_URL to a Redis elsewhere"
      fi
      redis_plan=setup
      ;;
  esac
}

# Installs what the servers to set up lack, both in one go.
install_missing() {
  local packages=() names=()
  pg_installed_now=false
  pg_clusters_before=""
  if [[ $pg_plan == setup ]] && ! postgres_installed; then
    packages+=(postgresql)
    names+=(PostgreSQL)
    if command -v pg_lsclusters >/dev/null 2>&1; then pg_clusters_before=$(pg_lsclusters -h) || true; fi
  fi
  if [[ $redis_plan == setup ]] && ! redis_installed; then
    packages+=(redis-server)
    names+=(Redis)
  fi
  local servers=${#packages[@]} tools=()
  if ! tool_installed pgbouncer; then tools+=(pgbouncer); names+=(PgBouncer); fi
  if ! tool_installed haproxy; then tools+=(haproxy); names+=(HAProxy); fi
  packages+=("${tools[@]}")
  ((${#packages[@]})) || return 0
  local missing="${names[0]} is" count=${#names[@]} i
  if ((count > 1)); then
    missing=""
    for ((i = 0; i < count - 1; i++)); do missing+="${names[i]}, "; done
    missing="${missing%, } and ${names[count - 1]} are"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    ((servers == 0)) ||
      fail "$missing not installed, and this script installs them on Debian only: run PostgreSQL 15+ and Redis 7+ yourself (see \"On other systems\" in README.md), or set DATABASE_URL and REDIS_URL"
    # Only some tests need them: the apps run without.
    echo "warning: $missing not installed (the pooler and load-balancer tests need them), and this script installs them on Debian only" >&2
    return 0
  fi
  install_debian_packages services "$missing not installed" "${packages[@]}"
  if [[ ${packages[0]} == postgresql ]]; then pg_installed_now=true; fi
  if ((${#tools[@]})) && [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    # Debian starts its own pgbouncer (port 6432) and haproxy; nothing here uses them.
    as_root "Debian's ${tools[*]} services were started" systemctl disable --now "${tools[@]}"
  fi
}

create_dev_cluster() {
  echo "[services] creating the PostgreSQL cluster $1/main on port $PG_PORT (a development cluster: local TCP connections need no password)"
  as_root "PostgreSQL has no cluster" pg_createcluster "$1" main --port "$PG_PORT" --start -- --auth-local=peer --auth-host=trust
}

# Creates the cluster of the default port when there is none, and starts it when it is stopped.
setup_postgres() {
  local version name port status rest found=false listed=""
  while read -r version name port status rest; do
    if [[ $port == "$PG_PORT" ]]; then
      found=true
      break
    fi
    listed+=" $version/$name on port $port,"
  done < <(pg_lsclusters -h)
  if [[ $found == false ]]; then
    [[ -z $listed ]] || fail "no PostgreSQL cluster uses port $PG_PORT (there is${listed%,}): start one there, or set DATABASE_URL to one of them"
    create_dev_cluster "$(newest_pg_version)"
  elif [[ $pg_installed_now == true && -z $pg_clusters_before ]]; then
    # Debian's install has just made this cluster, empty, wanting a password over TCP that nobody has set.
    echo "[services] replacing the cluster $version/$name the install has just made"
    as_root "PostgreSQL's new cluster wants a password" pg_dropcluster --stop "$version" "$name"
    create_dev_cluster "$version"
  elif [[ $status == down* ]]; then
    echo "[services] starting PostgreSQL $version/$name"
    as_root "PostgreSQL $version/$name is stopped" pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
  fi
}

setup_redis() {
  local status=0
  # Where systemd runs, Debian's package has just started its own.
  redis_status || status=$?
  ((status > 1)) || return 0
  echo "[services] starting Redis"
  as_root "Redis is stopped" redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/leash.log
}

# Waits up to 30 s for server $1 at $2 to answer $3.
wait_until_ready() {
  local i
  for ((i = 0; i < 60; i++)); do
    if "$3"; then return 0; fi
    sleep 0.5
  done
  fail "$1 at $2 does not answer after 30 s"
}

# Debian's own clusters want a password over TCP, which the default DATABASE_URL does not carry: better
# said here than in the middle of a migration.
check_postgres_login() {
  command -v psql >/dev/null 2>&1 || return 0
  local server=${PG_CHECK_URL#*://} said
  server=${server%%/*}
  if said=$(PGCONNECT_TIMEOUT=5 psql "${PG_CHECK_URL%%://*}://$server/postgres" -wXAtqc 'select 1' 2>&1); then return 0; fi
  fail "PostgreSQL at $pg_where does not let DATABASE_URL's user in (${said%%$'\n'*}): put the password in DATABASE_URL, or, on a development machine, let local TCP connections in without one (\"host all all 127.0.0.1/32 trust\" above the other host lines of pg_hba.conf, then reload PostgreSQL)"
}

plan_postgres
plan_redis
install_missing
if [[ $pg_plan == setup ]]; then setup_postgres; fi
if [[ $redis_plan == setup ]]; then setup_redis; fi
if [[ $pg_plan != ok ]]; then wait_until_ready PostgreSQL "$pg_where" postgres_status; fi
if [[ $redis_plan != ok ]]; then wait_until_ready Redis "$redis_where" redis_status; fi
if [[ $pg_local == true ]]; then check_postgres_login; fi
echo "[services] PostgreSQL and Redis answer"
