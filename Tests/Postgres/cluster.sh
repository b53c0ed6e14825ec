#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: made by initdb in a temporary folder, listening on
# 127.0.0.1 only, run as an unprivileged user, removed when stopped.
#
# Usage: eval "$(bash Tests/Postgres/cluster.sh start)"
#          prints two export lines: ANNOLAB_TEST_POSTGRES (postgres://annolab@127.0.0.1:PORT/annolab)
#          and ANNOLAB_TEST_POSTGRES_DIR (the folder to give to stop)
#        bash Tests/Postgres/cluster.sh stop DIR
#
# PostgreSQL comes from Debian's packages and is installed when initdb is missing, without the
# package's own "main" cluster (nothing is left running on the machine's port 5432). When this
# runs as root the cluster runs as the `postgres` user the package makes (initdb refuses root).
set -euo pipefail

say() { echo "$@" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL is not installed and this user cannot install it: apt-get install -y postgresql (as root)."
    exit 1
  fi
  say "Installing PostgreSQL from Debian's packages (without its main cluster)"
  mkdir -p /etc/postgresql-common
  if ! grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf; then
    echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold postgresql >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold postgresql >&2; }
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bin dir port
  bin=$(pg_bin) || { install_postgres; bin=$(pg_bin); }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/annolab-postgres.XXXXXX")
  # Whatever fails from here on, no server and no folder are left behind.
  trap 'stop "$dir"' ERR
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U annolab --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; stop "$dir"; exit 1; }
  # A lab's store makes its whole schema in one transaction (some 200 locks); the server tests on
  # PostgreSQL open dozens of labs at once, more than the default lock table holds.
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c max_locks_per_transaction=256" start >/dev/null 2>&1; then
      break
    fi
    # A start that timed out may still be coming up: stop it before the next port is tried.
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    port=""
  done
  if [ -z "$port" ]; then
    say "PostgreSQL did not start:"; tail -20 "$dir/server.log" >&2 || true
    stop "$dir"; exit 1
  fi
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U annolab annolab
  trap - ERR
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port ($dir)"
  echo "export ANNOLAB_TEST_POSTGRES=postgres://annolab@127.0.0.1:$port/annolab"
  echo "export ANNOLAB_TEST_POSTGRES_DIR=$dir"
}

stop() {
  local dir=${1:-} bin
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  case "$dir" in */annolab-postgres.*) ;; *) say "not a test cluster's folder: $dir"; exit 2 ;; esac
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) say "usage: bash Tests/Postgres/cluster.sh start | stop DIR"; exit 2 ;;
esac
