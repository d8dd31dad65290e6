#!/usr/bin/env bash
# Runs the test run's own PostgreSQL server that Grid's job-store tests use: a private cluster (made once with initdb,
# from Debian's postgresql-15) listening on 127.0.0.1:5440 only, where two roles log in with SCRAM passwords: the
# superuser grid_admin and grid (LOGIN, CREATEDB, no superuser), owner of the database grid. scripts/test.sh and the
# tests' PostgreSQL fixture both go through this script, so every start, stop and restart comes back on the same port
# with the same roles, passwords and data. It is never the machine's own PostgreSQL service (port 5432, its clusters in
# /etc/postgresql and /var/lib/postgresql), which this script leaves alone.
#
#   scripts/postgres.sh start [SECONDS]    start the server unless it answers (then it is kept); make the roles and the
#                                          database grid; wait until both roles answer a query over TCP (default 30 s)
#   scripts/postgres.sh stop               shut the server down (pg_ctl stop -m fast, else -m immediate, else SIGKILL);
#                                          the data stays on disk
#   scripts/postgres.sh restart [SECONDS]  a fast stop, then start again: every connection is dropped, every committed
#                                          transaction is kept on disk, the port and passwords are the same
#   scripts/postgres.sh test-env           print export lines for: eval "$(scripts/postgres.sh test-env)":
#                                          GRID_TEST_POSTGRES (Npgsql connection string: role grid, database grid) and
#                                          GRID_TEST_POSTGRES_ADMIN (the same server as grid_admin, database postgres)
#   scripts/postgres.sh status             print the server's pid, address and data folder when it runs and answers
#                                          both roles' passwords (exit 0); else a line on stderr says what is wrong
#
# State: one folder per user, /tmp/grid-postgres-UID (mode 700), or GRID_POSTGRES_STATE. It holds the passwords
# (grid_admin.password and grid.password, each made once with openssl rand -hex 16, mode 600), the cluster (data/, made
# once with initdb; its pg_hba.conf, pg_ident.conf and grid.conf, which postgresql.conf includes last, are written anew
# by every start), the server's unix socket, postgres.log and initdb.log. GRID_POSTGRES_PORT changes the port; give
# every call the same one. Settings fit a test server on a small machine (64 MB of shared buffers, no parallel query, no
# JIT) but keep what durability needs: fsync, full_page_writes and synchronous_commit on.
#
# Logins: nothing is trusted. TCP from 127.0.0.1 takes SCRAM-SHA-256 passwords only; on the unix socket the OS user that
# runs the server is grid_admin (peer), which is how this script makes the roles and the database, and others need a
# password. initdb refuses to run as root: as root, initdb, pg_ctl and postgres run as the postgres OS user (runuser),
# which owns data/, and the state folder is root's with group postgres, mode 1770 (postgres may add its socket and log
# but cannot touch root's files). Passwords reach psql in PGPASSWORD, never its command line; test-env prints them.
# Exit codes: 0 done, 1 failed (a line on stderr says why), 2 usage.
set -uo pipefail

port=${GRID_POSTGRES_PORT:-5440}
state=${GRID_POSTGRES_STATE:-/tmp/grid-postgres-$(id -u)}
case "$state" in /*) ;; *) state=$PWD/$state ;; esac
data=$state/data
logfile=$state/postgres.log
initdb_log=$state/initdb.log

fail() { echo "postgres.sh: $*" >&2; exit 1; }
usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

{ [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ]; } || { echo "postgres.sh: '$port' is not a port" >&2; exit 2; }

# libpq reads PGHOST, PGUSER, PGPASSFILE, PGSSLMODE and the like: none of the caller's may steer this script's psql.
while IFS= read -r variable; do
  unset "$variable"
done < <(compgen -e | grep '^PG')
export PGCONNECT_TIMEOUT=3

# The server's OS user: postgres when root (initdb and postgres refuse root), else whoever runs this script.
if [ "$(id -u)" -eq 0 ]; then
  server_user=postgres
  as_server() { (cd "$state" && runuser -u postgres -- "$@"); }
else
  server_user=$(id -un)
  as_server() { (cd "$state" && "$@"); }
fi

# The PostgreSQL programs: those of the version that made data/ when it is there, else the newest installed.
bin=
require_tools() {
  export PATH="$PATH:/usr/sbin:/usr/bin:/sbin:/bin"
  local version dir candidates=()
  if [ -s "$data/PG_VERSION" ]; then
    version=$(cat "$data/PG_VERSION")
    candidates+=("/usr/lib/postgresql/$version/bin")
  else
    while IFS= read -r dir; do
      [ ! -d "$dir" ] || candidates+=("$dir")
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
    dir=$(command -v initdb 2>/dev/null) && candidates+=("${dir%/*}")
  fi
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && [ -x "$dir/psql" ]; then
      bin=$dir
      break
    fi
  done
  if [ -z "$bin" ]; then
    [ -z "${version:-}" ] || fail "the cluster in $data is PostgreSQL $version's, whose server is not installed (apt-get install postgresql-$version), or delete $state to make a new one"
    fail "the PostgreSQL server is not installed (apt-get install --no-install-recommends postgresql; scripts/test.sh does this)"
  fi
  command -v openssl >/dev/null 2>&1 || fail "openssl is not installed (apt-get install openssl); the passwords need it"
  command -v flock >/dev/null 2>&1 || fail "flock is not installed (apt-get install util-linux)"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 \
      || fail "there is no postgres OS user to run the server as (initdb refuses root); install postgresql, which makes it, or run as another user"
    command -v runuser >/dev/null 2>&1 || fail "runuser is not installed (apt-get install util-linux)"
  fi
}

# The state folder: private to its owner (and, as root, open to the postgres OS user, who runs the server), and refused
# when someone else owns it (as /tmp is shared).
ensure_state() {
  (umask 077 && mkdir -p "$state") || fail "could not create $state"
  [ -O "$state" ] || fail "$state belongs to another user; set GRID_POSTGRES_STATE to a folder of your own"
  if [ "$(id -u)" -eq 0 ]; then
    { chgrp postgres "$state" && chmod 1770 "$state"; } || fail "could not open $state to the postgres OS user"
    runuser -u postgres -- test -w "$state" -a -x "$state" \
      || fail "the postgres OS user cannot reach $state (a folder above it is closed to it); set GRID_POSTGRES_STATE to a folder under /tmp"
  else
    chmod 700 "$state" || fail "could not make $state private"
  fi
  # A unix socket's path holds at most 107 bytes.
  [ $((${#state} + 18)) -le 107 ] || fail "$state is too long a path for the server's unix socket; set GRID_POSTGRES_STATE to a shorter one"
}

# Serializes start, stop and restart of this user's server (test processes may call them at once).
take_lock() {
  exec 9>"$state/lock" || fail "could not open $state/lock"
  flock -w 120 9 || fail "another scripts/postgres.sh call held $state/lock for 120 s"
}

password() { cat "$state/$1.password" 2>/dev/null; }

# Makes role $1's password once; later calls keep it, so a restart comes back with the same one.
ensure_password() {
  local file=$state/$1.password
  if ! [[ "$(password "$1")" =~ ^[0-9a-f]{32}$ ]]; then
    (umask 077 && openssl rand -hex 16 >"$file.tmp" && mv -f "$file.tmp" "$file") \
      || fail "could not make a password in $file with openssl"
  fi
  chmod 600 "$file" || fail "could not make $file private"
}

# Makes the cluster once: initdb into data.new, renamed to data only once it is whole. Its superuser is grid_admin; the
# authentication that initdb writes is replaced by write_config before the server first starts.
ensure_cluster() {
  if [ -e "$data" ]; then
    [ -s "$data/PG_VERSION" ] || fail "$data holds no PostgreSQL cluster; delete it (or all of $state) to make a new one"
    return 0
  fi
  rm -rf "$data.new"
  if ! as_server "$bin/initdb" -D "$data.new" -U grid_admin --auth-local=peer --auth-host=reject \
      --encoding=UTF8 --locale=C --data-checksums --no-instructions >"$initdb_log" 2>&1 9>&-; then
    tail -n 15 "$initdb_log" >&2
    rm -rf "$data.new"
    fail "initdb could not make the cluster in $data; see $initdb_log"
  fi
  mv "$data.new" "$data" || fail "could not move the new cluster to $data"
}

# A value for a postgresql.conf line, in single quotes.
conf_quoted() { printf "'%s'" "${1//\'/\'\'}"; }

settings() {
  printf '%s\n' \
    "# Written by Grid's scripts/postgres.sh at every start; postgresql.conf includes it last, so these settings win." \
    "listen_addresses = '127.0.0.1'" \
    "port = $port" \
    "unix_socket_directories = $(conf_quoted "$state")" \
    "unix_socket_permissions = 0700" \
    "ssl = off" \
    "password_encryption = 'scram-sha-256'" \
    "max_connections = 200" \
    "shared_buffers = '64MB'" \
    "huge_pages = off" \
    "work_mem = '4MB'" \
    "maintenance_work_mem = '32MB'" \
    "max_worker_processes = 4" \
    "max_parallel_workers = 2" \
    "max_parallel_workers_per_gather = 0" \
    "max_parallel_maintenance_workers = 0" \
    "jit = off" \
    "# Durability is what the job store's tests check: every commit is flushed to disk before it returns." \
    "fsync = on" \
    "synchronous_commit = on" \
    "full_page_writes = on" \
    "wal_level = minimal" \
    "max_wal_senders = 0" \
    "max_wal_size = '256MB'" \
    "min_wal_size = '64MB'" \
    "logging_collector = off" \
    "log_destination = 'stderr'" \
    "log_line_prefix = '%m [%p] %q%u@%d '" \
    "log_timezone = 'UTC'" \
    "timezone = 'UTC'" \
    "lc_messages = 'C'"
}

hba() {
  printf '%s\n' \
    "# Written by Grid's scripts/postgres.sh at every start. Nothing is trusted: TCP from 127.0.0.1 takes SCRAM-SHA-256" \
    "# passwords; on the unix socket the OS user that runs the server is grid_admin (peer), any other login needs a password." \
    "# TYPE  DATABASE  USER        ADDRESS       METHOD" \
    "local   all       grid_admin                peer map=owner" \
    "local   all       all                       scram-sha-256" \
    "host    all       all         127.0.0.1/32  scram-sha-256"
}

ident() {
  printf '%s\n' \
    "# Written by Grid's scripts/postgres.sh at every start: the OS user that runs the server is grid_admin on the socket." \
    "# MAPNAME  SYSTEM-USERNAME  PG-USERNAME" \
    "owner      $server_user  grid_admin"
}

# Writes file $1 (in data/, as the server's user) with the text $2, unless it holds that already; sets conf_changed=1
# when it wrote, since a running server takes the new settings up only when it restarts.
conf_changed=0
write_owned() {
  local content=$2
  [ "$(cat "$1" 2>/dev/null)" != "$content" ] || return 0
  # shellcheck disable=SC2016 # the script runs in its own shell, with the file as $1
  printf '%s\n' "$content" | as_server sh -c 'umask 077 && cat >"$1.tmp" && mv -f "$1.tmp" "$1"' sh "$1" \
    || fail "could not write $1"
  conf_changed=1
}

write_config() {
  write_owned "$data/grid.conf" "$(settings)"
  write_owned "$data/pg_hba.conf" "$(hba)"
  write_owned "$data/pg_ident.conf" "$(ident)"
  if ! grep -qx "include = 'grid.conf'" "$data/postgresql.conf" 2>/dev/null; then
    write_owned "$data/postgresql.conf" "$(cat "$data/postgresql.conf" && printf '\n%s' "include = 'grid.conf'")"
  fi
}

# The pid of this cluster's postmaster, when its postmaster.pid names a live postgres process serving data/.
server_pid() {
  local pid
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "postgres -D $data" || return 1
  echo "$pid"
}

# Whether process $1 runs (a zombie, exited but not yet reaped, does not).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Closes every descriptor above 2 of this subshell: the server outlives this script and must hold none of the caller's
# pipes (a caller reading one to its end would wait for the server to exit).
close_fds() {
  local fd
  for fd in "/proc/$BASHPID/fd/"*; do
    fd=${fd##*/}
    [ "$fd" -le 2 ] || eval "exec $fd>&-" 2>/dev/null
  done
}

# Runs psql as grid_admin on the unix socket (peer: the server's OS user), reading SQL from standard input or -c.
admin_psql() {
  as_server timeout 30 "$bin/psql" -X -q -A -t -w -v ON_ERROR_STOP=1 -h "$state" -p "$port" -U grid_admin -d postgres "$@" 9>&-
}

# Asks the server over TCP on 127.0.0.1, as role $1 with its password, in database $2, for its name: prints the name,
# or what went wrong.
ask() {
  PGPASSWORD=$(password "$1") timeout 10 "$bin/psql" -X -q -A -t -w -h 127.0.0.1 -p "$port" -U "$1" -d "$2" \
    -c 'SELECT current_user' 2>&1 9>&-
}

answers() { [ "$(ask grid grid)" = grid ] && [ "$(ask grid_admin postgres)" = grid_admin ]; }

# Whether something answers on the port but refuses a password (another server there, say).
refuses_password() { ask grid_admin postgres | grep -q 'password authentication failed'; }

# Gives both roles their passwords and attributes and makes the database grid owned by grid, unless they are there; run
# at every start, so a role a test changed, or a password file made anew, is set right again.
provision() {
  local output
  output=$(admin_psql 2>&1 <<SQL
ALTER ROLE grid_admin WITH SUPERUSER LOGIN PASSWORD '$(password grid_admin)';
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grid') AS missing \gset
\if :missing
CREATE ROLE grid;
\endif
ALTER ROLE grid WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '$(password grid)';
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = 'grid') AS missing \gset
\if :missing
CREATE DATABASE grid OWNER grid;
\endif
ALTER DATABASE grid OWNER TO grid;
SQL
  ) || fail "could not make the roles grid_admin and grid and the database grid: $(redact <<<"$output" | grep -m 1 .)"
}

# Standard input with both passwords blanked out.
redact() {
  local pass args=()
  for pass in "$(password grid_admin)" "$(password grid)"; do
    [ -z "$pass" ] || args+=(-e "s/$pass/***/g")
  done
  if [ ${#args[@]} -gt 0 ]; then sed "${args[@]}"; else cat; fi
}

# The server's log lines since line $log_mark (the last 15), with the passwords blanked out should one ever hold them.
log_mark=0
log_since_mark() { tail -n "+$((log_mark + 1))" "$logfile" 2>/dev/null | tail -n 15 | redact; }
log_tail() { log_since_mark >&2; }

# Waits until the server takes grid_admin on its socket, then provisions, then until both roles answer over TCP; gives
# up when the server has exited or $1 seconds have passed.
await_server() {
  local deadline=$((SECONDS + $1)) provisioned=0
  while true; do
    server_pid >/dev/null || return 1
    if [ "$provisioned" -eq 0 ] && admin_psql -c 'SELECT 1' >/dev/null 2>&1; then
      provision
      provisioned=1
    fi
    if [ "$provisioned" -eq 1 ] && answers; then
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# After a crash or a SIGKILL the old postmaster may stay a zombie until it is reaped, and its backends live on until they
# notice it is gone; postgres refuses to start while either holds on (the pid in postmaster.pid exists, or the shared
# memory is attached). Waits until both are gone, for at most $1 seconds; postgres then takes postmaster.pid as stale.
await_leftovers() {
  local pid deadline=$((SECONDS + $1))
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || return 0
  while { [[ "$pid" =~ ^[0-9]+$ ]] && [ -e "/proc/$pid" ] && ! alive "$pid"; } \
      || [ -n "$(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$data" -print -quit 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 0
    sleep 0.1
  done
}

# Waits until process $1 has exited, for at most $2 seconds.
wait_exit() {
  local deadline=$((SECONDS + $2))
  while alive "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# Stops the server: fast (every session ends, a checkpoint writes everything out), else immediate (the next start
# replays the WAL: nothing committed is lost), else SIGKILL.
stop_server() {
  local pid
  pid=$(server_pid) || return 0
  # A server stopped with SIGSTOP would act on no signal: let it run first.
  kill -CONT "$pid" 2>/dev/null || true
  as_server "$bin/pg_ctl" -D "$data" -s -m fast -w -t 30 stop >/dev/null 2>&1 9>&- \
    || as_server "$bin/pg_ctl" -D "$data" -s -m immediate -w -t 10 stop >/dev/null 2>&1 9>&- \
    || { kill -KILL "$pid" 2>/dev/null || true; wait_exit "$pid" 5; } \
    || fail "the PostgreSQL server (pid $pid) did not exit"
  wait_exit "$pid" 5 || fail "the PostgreSQL server (pid $pid) did not exit"
}

start_server() {
  local timeout=$1 started=$SECONDS
  ensure_password grid_admin
  ensure_password grid
  ensure_cluster
  write_config
  if server_pid >/dev/null; then
    if [ "$conf_changed" -eq 1 ]; then
      echo "postgres.sh: restarting the PostgreSQL server to take up its new configuration" >&2
      stop_server
    elif await_server "$timeout"; then
      return 0
    else
      log_tail
      fail "the running PostgreSQL server (pid $(server_pid)) does not answer grid and grid_admin on 127.0.0.1:$port within ${timeout} s; see $logfile"
    fi
  fi
  await_leftovers "$((timeout < 10 ? timeout : 10))"
  # Keep one old log beside the current one rather than let it grow without end.
  if [ "$(stat -c %s "$logfile" 2>/dev/null || echo 0)" -gt $((16 * 1024 * 1024)) ]; then
    mv -f "$logfile" "$logfile.1"
  fi
  log_mark=0
  [ ! -f "$logfile" ] || log_mark=$(wc -l <"$logfile")
  # pg_ctl starts the postmaster in a session of its own, its output going to the log, and returns once it takes
  # connections (or has exited).
  local remaining
  if ! (close_fds && as_server "$bin/pg_ctl" -D "$data" -l "$logfile" -s -w -t "$timeout" start >/dev/null 2>&1) \
      || ! { remaining=$((timeout - (SECONDS - started))); await_server $((remaining > 1 ? remaining : 1)); }; then
    log_tail
    if log_since_mark | grep -q 'Address already in use'; then
      fail "127.0.0.1:$port is in use by another program; set GRID_POSTGRES_PORT to a free port"
    fi
    if ! server_pid >/dev/null && refuses_password; then
      fail "something else listens on 127.0.0.1:$port and refuses this run's password; set GRID_POSTGRES_PORT to a free port"
    fi
    fail "the PostgreSQL server did not answer grid and grid_admin on 127.0.0.1:$port within ${timeout} s; see $logfile"
  fi
}

seconds() {
  { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; } || { echo "postgres.sh: $2 takes a number of seconds, got '$1'" >&2; exit 2; }
}

# A value for an export line, in single quotes.
quoted() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# The Npgsql connection string of role $1 in database $2.
connection_string() { echo "Host=127.0.0.1;Port=$port;Username=$1;Password=$(password "$1");Database=$2"; }

command=${1:-}
case "$command" in
  start)
    timeout=${2:-30}
    seconds "$timeout" start
    require_tools
    ensure_state
    take_lock
    start_server "$timeout"
    ;;
  stop)
    require_tools
    ensure_state
    take_lock
    stop_server
    ;;
  restart)
    timeout=${2:-30}
    seconds "$timeout" restart
    require_tools
    ensure_state
    take_lock
    stop_server
    start_server "$timeout"
    ;;
  test-env)
    { [ -d "$state" ] && [ -O "$state" ]; } || fail "no PostgreSQL state in $state yet: run scripts/postgres.sh start"
    for role in grid grid_admin; do
      [[ "$(password "$role")" =~ ^[0-9a-f]{32}$ ]] || fail "no password in $state/$role.password yet: run scripts/postgres.sh start"
    done
    echo "export GRID_TEST_POSTGRES=$(quoted "$(connection_string grid grid)")"
    echo "export GRID_TEST_POSTGRES_ADMIN=$(quoted "$(connection_string grid_admin postgres)")"
    ;;
  status)
    { [ -d "$state" ] && [ -O "$state" ]; } || fail "no PostgreSQL state in $state: run scripts/postgres.sh start"
    [ -s "$data/PG_VERSION" ] || fail "no cluster in $data yet: run scripts/postgres.sh start"
    require_tools
    pid=$(server_pid) || fail "the PostgreSQL server of $data is not running: run scripts/postgres.sh start"
    answers || fail "the PostgreSQL server (pid $pid) runs but does not answer grid and grid_admin on 127.0.0.1:$port: $(ask grid grid | head -n 1)"
    echo "postgres.sh: running, pid $pid, on 127.0.0.1:$port (socket in $state), data in $data"
    ;;
  *)
    usage
    ;;
esac
