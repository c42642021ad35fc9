#!/usr/bin/env bash
# A throwaway PostgreSQL for the HQ tests: installs Debian's postgresql if it is missing,
# runs a private cluster on 127.0.0.1 (never the system's own), makes a user and database,
# and prints the URL the tests read:
#
#   eval "$(bash scripts/ci-postgres.sh)"      # exports HQ_TEST_POSTGRES_URL
#   . scripts/ci-postgres.sh                   # the same, sourced
#
# Idempotent and quick when the cluster is already up (about 0.1 s). Progress goes to
# stderr; stdout carries only the export line. Works as root (CI: the cluster runs as the
# postgres user) and as an ordinary user with PostgreSQL already installed.
#
# Settings (environment): HQ_PG_PORT (54329), HQ_PG_DIR (/var/tmp/hq-ci-postgres, or
# ~/.cache/hq-ci-postgres for a non-root user), HQ_PG_DB (hqtest), HQ_PG_USER (hqtest).
# The cluster is for tests only: fsync is off.

_hq_pg_main() {
  set -euo pipefail
  local port="${HQ_PG_PORT:-54329}" db="${HQ_PG_DB:-hqtest}" user="${HQ_PG_USER:-hqtest}"
  local password="hqtest-only" dir owner run bindir version
  if [ "$(id -u)" = "0" ]; then
    dir="${HQ_PG_DIR:-/var/tmp/hq-ci-postgres}"
    owner=postgres
  else
    dir="${HQ_PG_DIR:-${HOME}/.cache/hq-ci-postgres}"
    owner="$(id -un)"
  fi

  _log() { echo "ci-postgres: $*" >&2; }

  bindir=""
  if [ -d /usr/lib/postgresql ]; then
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/initdb" ] &&
      bindir="/usr/lib/postgresql/$version/bin"
  fi
  if [ -z "$bindir" ]; then
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
      _log "PostgreSQL is not installed and this user cannot apt-get it"
      _log "(Debian/Ubuntu: sudo apt-get install -y postgresql)"
      return 1
    fi
    _log "installing PostgreSQL from Debian's packages…"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    # The package's own "main" cluster is not needed: don't create it.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/50-hq-ci.conf
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    bindir="/usr/lib/postgresql/$version/bin"
  fi

  if [ "$owner" = "$(id -un)" ]; then
    run() { "$@"; }
  else
    run() { runuser -u "$owner" -- "$@"; }
  fi

  if [ ! -s "$dir/PG_VERSION" ]; then
    _log "creating a cluster in $dir (PostgreSQL $(basename "$(dirname "$bindir")"))"
    mkdir -p "$dir"
    chown "$owner" "$dir"
    chmod 700 "$dir"
    local pwfile
    pwfile="$(mktemp)"
    printf '%s\n' "$password" >"$pwfile"
    chown "$owner" "$pwfile"
    run "$bindir/initdb" -D "$dir" -U postgres --pwfile="$pwfile" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 ||
      run "$bindir/initdb" -D "$dir" -U postgres --pwfile="$pwfile" -A scram-sha-256 \
        -E UTF8 --locale=C >/dev/null
    rm -f "$pwfile"
    cat >>"$dir/postgresql.conf" <<EOF
# hq ci-postgres: a private test cluster on loopback only
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
EOF
  fi

  if ! run "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    _log "starting PostgreSQL on 127.0.0.1:$port"
    run "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
  fi

  export PGPASSWORD="$password"
  local psql=("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
    "${psql[@]}" -c "CREATE ROLE \"$user\" LOGIN PASSWORD '$password'"
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$db\" OWNER \"$user\""
  fi
  unset PGPASSWORD
  HQ_TEST_POSTGRES_URL="postgresql+psycopg://$user:$password@127.0.0.1:$port/$db"
  _log "ready: $HQ_TEST_POSTGRES_URL"
  echo "export HQ_TEST_POSTGRES_URL='$HQ_TEST_POSTGRES_URL'"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced: run in a subshell (set -e must not leak), export the result here
  _hq_pg_line="$( (_hq_pg_main) )" && eval "$_hq_pg_line"
  unset _hq_pg_line
else
  _hq_pg_main
fi
