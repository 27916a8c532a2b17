#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (issue 16): one cluster in a directory of its own, owned by whoever
# started it, gone after `stop`. .ci/run starts one per run and exports BRAZE_POSTGRES; tests/Support/PostgresServer.cs
# starts one per test process when BRAZE_POSTGRES is not set (outside CI).
#
#   bash scripts/postgres.sh start DIR [--owner-pid PID]   # prints the Npgsql connection string (last line of stdout)
#   bash scripts/postgres.sh env DIR                       # prints it again for a running cluster
#   bash scripts/postgres.sh stop DIR                      # pg_ctl stop -m fast, then removes DIR
#
# - Binaries: pg_ctl/initdb on PATH (symlinks resolved), else the newest /usr/lib/postgresql/*/bin; when neither is
#   there, Debian's `postgresql` package is installed (apt-get install -y postgresql; apt-get update only if that fails).
# - initdb refuses to run as root: as root the cluster belongs to the `postgres` system user (created by the Debian
#   package, or here when missing) and DIR is chowned to it; as anyone else it belongs to the caller.
# - The cluster: DIR/data, superuser `postgres`, trust authentication for the unix socket (DIR/sock) and 127.0.0.1
#   only, listening on 127.0.0.1 at the first free port from 55432 (BRAZE_POSTGRES_PORT to start elsewhere), with a
#   database `braze_test`. Connection string: Host=127.0.0.1;Port=55432;Username=postgres;Database=braze_test, also
#   in DIR/connection-string. Server log: DIR/postgres.log.
# - --owner-pid PID: a detached watcher stops the cluster once PID is gone, should the owner die without `stop`.
# - Everything but the connection string goes to stderr; any failure exits non-zero with a message.
set -euo pipefail

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
database=braze_test
superuser=postgres
marker=.braze-postgres

say() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 start DIR [--owner-pid PID] | env DIR | stop DIR"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the cluster's owner (from DIR, so that it never starts in a directory the owner cannot read).
as_owner() {
  if is_root; then
    (cd "$dir" && runuser -u "$owner" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

# A directory holding initdb, pg_ctl and postgres, or nothing.
find_bindir() {
  local tool path d
  for tool in pg_ctl initdb; do
    if path=$(command -v "$tool" 2>/dev/null); then
      d=$(dirname "$(readlink -f "$path")")
      if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
    fi
  done
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 1
}

install_postgres() {
  command -v apt-get >/dev/null 2>&1 || die "no PostgreSQL server (initdb/pg_ctl) on PATH or in /usr/lib/postgresql/*/bin, and no apt-get to install it"
  local sudo=()
  if ! is_root; then
    sudo -n true 2>/dev/null || die "no PostgreSQL server found; installing Debian's postgresql package needs root (or passwordless sudo)"
    sudo=(sudo -n)
  fi
  say "no PostgreSQL server found; installing Debian's postgresql package"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; then
    say "apt-get install failed; running apt-get update and trying again"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || die "apt-get install -y postgresql failed"
  fi
}

# A client tool next to the server, else on PATH (Debian puts psql and pg_isready in the server's bin too).
client() {
  if [ -x "$bindir/$1" ]; then echo "$bindir/$1"
  elif command -v "$1" >/dev/null 2>&1; then command -v "$1"
  else die "$1 not found (neither in $bindir nor on PATH)"
  fi
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# A live process (a zombie, dead but not yet reaped by whoever inherited it, counts as gone).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(sed -n 's/^[^)]*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null || true)
  [ "$state" != Z ] && [ "$state" != X ]
}

# The postmaster of this cluster: alive, and started with -D DIR/data (a stale pid file may name a reused pid).
postmaster_alive() {
  alive "$1" || return 1
  tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "-D $dir/data "
}

running() {
  local pid
  pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null) && [ -n "$pid" ] && postmaster_alive "$pid"
}

# Stops the cluster in $dir (fast, then immediate, then by signal) and removes $dir.
stop_cluster() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    local pid
    pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && postmaster_alive "$pid" && [ -n "${bindir:-}" ] && [ -x "$bindir/pg_ctl" ]; then
      as_owner "$bindir/pg_ctl" stop -s -D "$dir/data" -m fast -w -t 30 >&2 \
        || as_owner "$bindir/pg_ctl" stop -s -D "$dir/data" -m immediate -w -t 10 >&2 \
        || true
    fi
    local i
    for i in $(seq 50); do
      if [ -z "$pid" ] || ! postmaster_alive "$pid"; then break; fi
      sleep 0.1
    done
    if [ -n "$pid" ] && postmaster_alive "$pid"; then
      say "pg_ctl could not stop postmaster $pid; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      if postmaster_alive "$pid"; then die "postmaster $pid of $dir is still running"; fi
    fi
  fi
  rm -rf -- "$dir" || die "could not remove $dir"
}

[ $# -ge 2 ] || usage
command=$1
dir=$(realpath -m -- "$2")
shift 2
owner_pid=
while [ $# -gt 0 ]; do
  case $1 in
    --owner-pid) [ $# -ge 2 ] || usage; owner_pid=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ "$dir" != / ] || die "refusing to use / as the cluster directory"
case $dir in *"'"* | *'"'* | *' '* | *'\'*) die "the cluster directory must not contain quotes, spaces or backslashes: $dir" ;; esac

# What an existing DIR of ours records (start writes these first).
owner=$(cat "$dir/owner" 2>/dev/null || true)
bindir=$(cat "$dir/bindir" 2>/dev/null || true)

case $command in
  stop)
    if [ ! -e "$dir" ]; then exit 0; fi
    # An empty DIR: a start that failed before making anything (the caller's mktemp -d, say).
    if [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then rmdir -- "$dir"; exit 0; fi
    [ -f "$dir/$marker" ] || die "$dir is not a cluster directory made by this script; not removing it"
    [ -n "$owner" ] || owner=$(id -un)
    stop_cluster
    say "stopped and removed $dir"
    exit 0
    ;;
  env)
    [ -f "$dir/connection-string" ] || die "no cluster in $dir (no $dir/connection-string)"
    running || die "the cluster in $dir is not running"
    cat "$dir/connection-string"
    exit 0
    ;;
  _watch)
    # Internal: started detached by `start --owner-pid`; stops the cluster once the owner is gone.
    while [ -d "$dir" ] && alive "$owner_pid"; do sleep 2; done
    if [ -f "$dir/$marker" ]; then exec bash "$self" stop "$dir"; fi
    exit 0
    ;;
  start) ;;
  *) usage ;;
esac

# --- start ---
first_port=${BRAZE_POSTGRES_PORT:-55432}
case $first_port in '' | *[!0-9]*) die "BRAZE_POSTGRES_PORT must be a port number, not '$first_port'" ;; esac
[ "$first_port" -ge 1024 ] && [ "$first_port" -le 65000 ] || die "BRAZE_POSTGRES_PORT must be in 1024..65000, not $first_port"
[ -z "$owner_pid" ] || alive "$owner_pid" || die "--owner-pid $owner_pid is not a running process"

if [ -e "$dir" ]; then
  if [ -f "$dir/$marker" ]; then
    if [ -f "$dir/connection-string" ] && running; then
      say "already running in $dir"
      cat "$dir/connection-string"
      exit 0
    fi
    say "removing the stopped or half-made cluster in $dir"
    [ -n "$owner" ] || owner=$(id -un)
    stop_cluster
  elif [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then
    :
  else
    die "$dir exists and is not an empty directory"
  fi
fi

started=$(date +%s%N)
bindir=$(find_bindir) || { install_postgres; bindir=$(find_bindir) || die "still no initdb/pg_ctl/postgres after installing postgresql"; }
psql=$(client psql)
pg_isready=$(client pg_isready)
version=$("$bindir/postgres" --version) || die "$bindir/postgres does not run"

if is_root; then
  owner=postgres
  if ! id -u "$owner" >/dev/null 2>&1; then
    say "creating the system user $owner (initdb does not run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner" \
      || die "could not create the user $owner"
  fi
else
  owner=$(id -un)
fi

mkdir -p -- "$dir" || die "could not create $dir"
touch "$dir/$marker"
echo "$owner" > "$dir/owner"
echo "$bindir" > "$dir/bindir"
if is_root; then
  chown -R "$owner:" "$dir" || die "could not give $dir to $owner"
  runuser -u "$owner" -- test -w "$dir" -a -x "$dir" \
    || die "the user $owner cannot write to $dir (is a parent directory closed to it? use a directory under /tmp)"
fi

# The socket path must fit in sun_path (107 bytes); with a deep DIR the cluster listens on TCP only.
sockdir="$dir/sock"
if [ $(( ${#sockdir} + 20 )) -gt 107 ]; then
  say "$sockdir is too long for a unix socket; listening on TCP only"
  sockdir=
else
  as_owner mkdir -p "$sockdir"
fi

if ! as_owner "$bindir/initdb" -D "$dir/data" -U "$superuser" -A trust -E UTF8 --locale=C --no-sync > "$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  die "initdb failed ($version, as $owner)"
fi
cat > "$dir/data/pg_hba.conf" <<'EOF'
# Throwaway test cluster (scripts/postgres.sh): trust on the unix socket and on 127.0.0.1 only.
local   all             all                     trust
host    all             all     127.0.0.1/32    trust
local   replication     all                     trust
host    replication     all     127.0.0.1/32    trust
EOF
cat >> "$dir/data/postgresql.conf" <<EOF

# scripts/postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockdir'
max_connections = 200
EOF
if is_root; then chown "$owner:" "$dir/data/pg_hba.conf" "$dir/data/postgresql.conf"; fi

# The first free port from 55432; a port taken between the check and the bind (another run) moves to the next one.
port=$first_port
last=$((port + 50))
while :; do
  [ "$port" -le "$last" ] || die "no free port in $first_port..$last on 127.0.0.1"
  if port_in_use "$port"; then port=$((port + 1)); continue; fi
  as_owner touch "$dir/postgres.log"
  if as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -o "-p $port" >/dev/null 2>"$dir/pg_ctl.err"; then
    break
  fi
  if grep -qE 'could not bind|Address already in use|could not create any TCP/IP sockets' "$dir/postgres.log"; then
    say "port $port was taken; trying $((port + 1))"
    as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
    : > "$dir/postgres.log"
    port=$((port + 1))
    continue
  fi
  cat "$dir/pg_ctl.err" "$dir/postgres.log" >&2
  die "pg_ctl start failed ($version, data in $dir/data)"
done

if ! "$pg_isready" -q -h 127.0.0.1 -p "$port" -U "$superuser" -t 30; then
  tail -n 30 "$dir/postgres.log" >&2
  as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
  die "the server started but does not accept connections on 127.0.0.1:$port"
fi
if ! "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -c "create database $database" >&2; then
  as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
  die "could not create the database $database"
fi

connection="Host=127.0.0.1;Port=$port;Username=$superuser;Database=$database"
echo "$connection" > "$dir/connection-string"

if [ -n "$owner_pid" ]; then
  setsid bash "$self" _watch "$dir" --owner-pid "$owner_pid" </dev/null >/dev/null 2>&1 &
fi

say "$version on 127.0.0.1:$port${sockdir:+ and $sockdir}, owner $owner, data in $dir/data, up in $(( ($(date +%s%N) - started) / 1000000 )) ms"
echo "$connection"
