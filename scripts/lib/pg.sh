# Shell helpers to run a PostgreSQL 15 cluster in a folder (sourced by
# run.sh and test.sh). The server refuses to run as root, so as root the
# cluster belongs to the `postgres` user (created by the postgresql package).

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return 0; }
  done
  echo "no PostgreSQL server found (apt-get install postgresql-15)" >&2
  return 1
}

# Runs a command as the cluster owner.
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on.
pg_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# pg_init DATA_DIR: creates the cluster if DATA_DIR has none yet.
# The superuser is `tubedigest`; local connections over loopback are trusted.
pg_init() {
  local data=$1 bindir
  bindir=$(pg_bindir)
  [[ -f "$data/PG_VERSION" ]] && return 0
  mkdir -p "$data"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$data"
  chmod 700 "$data"
  pg_as_owner "$bindir/initdb" -D "$data" -U tubedigest --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
}

# pg_start DATA_DIR PORT [extra postgres -c options...]: starts and waits until ready.
pg_start() {
  local data=$1 port=$2 bindir
  shift 2
  bindir=$(pg_bindir)
  local opts="-p $port -h 127.0.0.1 -k $data -c max_connections=300"
  for o in "$@"; do opts+=" -c $o"; done
  pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -o "$opts" -w -t 60 start >/dev/null
}

pg_stop() {
  local data=$1 bindir
  bindir=$(pg_bindir)
  [[ -f "$data/postmaster.pid" ]] || return 0
  pg_as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
}
