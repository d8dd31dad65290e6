#!/usr/bin/env bash
# Runs the test run's own Redis server (Debian's redis-server) that Grid's cluster tests use for Orleans membership,
# listening on loopback only: plain on 127.0.0.1:6390 and TLS on 127.0.0.1:6391, with a password. scripts/test.sh and the
# tests' Redis fixture both go through this script, so every start, stop and restart binds the same addresses with the
# same password. It is never the machine's own Redis service (port 6379), which this script leaves alone.
#
#   scripts/redis.sh start [SECONDS]    start the server unless it answers (then it is kept); wait until it answers PING
#                                       on both ports (default 30 s)
#   scripts/redis.sh stop               shut the server down (SHUTDOWN NOSAVE, else SIGTERM by its pidfile, else SIGKILL)
#   scripts/redis.sh restart [SECONDS]  stop, then start again with the same password, ports and certificates: every
#                                       connection is dropped and, since nothing is persisted, every key is gone
#   scripts/redis.sh test-env           print export lines for: eval "$(scripts/redis.sh test-env)":
#                                       GRID_TEST_REDIS (StackExchange.Redis connection string, plain port),
#                                       GRID_TEST_REDIS_TLS (the same over TLS, sslHost=localhost) and
#                                       GRID_TEST_REDIS_CA (the CA file (PEM) that signed the server's certificate)
#
# State: one folder per user, $XDG_RUNTIME_DIR/grid-redis when that is set, else /tmp/grid-redis-UID (mode 700), or
# GRID_REDIS_STATE. It holds the password (made once with openssl rand -hex 16, mode 600), redis.conf (mode 600, it
# names the password), redis.pid, redis.log, and the TLS files: a private CA (ca.pem; its key is deleted once it has
# signed) and the server's certificate for localhost and 127.0.0.1 (server.pem, server.key), made once with openssl and
# made anew only when a file is missing or the certificate expires within 30 days. Nothing is saved to disk: no RDB
# snapshots, no AOF. GRID_REDIS_PORT and GRID_REDIS_TLS_PORT change the ports; give every call the same ones.
#
# The password is printed by test-env only: redis-cli gets it in REDISCLI_AUTH, never on its command line.
# Exit codes: 0 done, 1 failed (a line on stderr says why), 2 usage.
set -uo pipefail

port=${GRID_REDIS_PORT:-6390}
tls_port=${GRID_REDIS_TLS_PORT:-6391}
if [ -n "${GRID_REDIS_STATE:-}" ]; then
  state=$GRID_REDIS_STATE
elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && [ -w "$XDG_RUNTIME_DIR" ]; then
  state=$XDG_RUNTIME_DIR/grid-redis
else
  state=/tmp/grid-redis-$(id -u)
fi
password_file=$state/password
conf=$state/redis.conf
pidfile=$state/redis.pid
logfile=$state/redis.log
ca=$state/ca.pem
cert=$state/server.pem
key=$state/server.key

fail() { echo "redis.sh: $*" >&2; exit 1; }
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

for p in "$port" "$tls_port"; do
  { [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ]; } || { echo "redis.sh: '$p' is not a port" >&2; exit 2; }
done
[ "$port" != "$tls_port" ] || { echo "redis.sh: the plain and the TLS port must differ" >&2; exit 2; }

require_tools() {
  export PATH="$PATH:/usr/sbin:/usr/bin"
  { command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } \
    || fail "redis-server is not installed (apt-get install --no-install-recommends redis-server; scripts/test.sh does this)"
  command -v openssl >/dev/null 2>&1 || fail "openssl is not installed (apt-get install openssl); the TLS port needs it"
}

# The state folder: made mode 700, and refused when someone else owns it or can get into it (as /tmp is shared).
ensure_state() {
  (umask 077 && mkdir -p "$state") || fail "could not create $state"
  [ -O "$state" ] || fail "$state belongs to another user; set GRID_REDIS_STATE to a folder of your own"
  chmod 700 "$state" || fail "could not make $state private"
}

# Serializes start, stop and restart of this user's server (test processes may call them at once).
take_lock() {
  exec 9>"$state/lock" || fail "could not open $state/lock"
  flock -w 120 9 || fail "another scripts/redis.sh call held $state/lock for 120 s"
}

password() { cat "$password_file" 2>/dev/null; }

# Makes the password once; later calls keep it, so a restart comes back with the same one.
ensure_password() {
  if ! [[ "$(password)" =~ ^[0-9a-f]{32}$ ]]; then
    (umask 077 && openssl rand -hex 16 >"$password_file.tmp" && mv -f "$password_file.tmp" "$password_file") \
      || fail "could not make a password in $password_file with openssl"
  fi
  chmod 600 "$password_file" || fail "could not make $password_file private"
}

# Makes the CA and the server's certificate unless they are there and good for 30 more days; sets tls_changed=1 when it
# wrote anything, since a running server takes new files up only when it restarts.
tls_changed=0
ensure_tls() {
  if [ -s "$ca" ] && [ -s "$cert" ] && [ -s "$key" ] \
      && openssl x509 -in "$cert" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 \
      && openssl verify -CAfile "$ca" -purpose sslserver "$cert" >/dev/null 2>&1; then
    return 0
  fi
  local work
  work=$(mktemp -d "$state/tls.XXXXXX") || fail "could not create a folder in $state"
  # The CA signs this one certificate and its key is deleted: nothing else can ever be signed with it.
  # shellcheck disable=SC2016 # the script runs in its own shell, with the folder as $1
  if ! sh -c '
      set -e
      cd "$1"
      umask 077
      openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 -keyout ca.key -out ca.pem \
        -subj "/CN=Grid local Redis test CA ($(uname -n))" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
      openssl req -new -nodes -newkey rsa:2048 -sha256 -keyout server.key -out server.csr -subj "/CN=localhost"
      printf "%s\n" "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >server.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
        -sha256 -days 825 -extfile server.ext -out server.pem
      rm -f ca.key server.csr server.ext
      chmod 644 ca.pem server.pem
      chmod 600 server.key
      mv -f server.key server.pem ca.pem ..
    ' sh "$work" >/dev/null 2>&1; then
    rm -rf "$work"
    fail "could not make the TLS certificates in $state with openssl"
  fi
  rm -rf "$work"
  tls_changed=1
}

# The server's configuration: loopback only, the password, the TLS port without client certificates, nothing persisted.
config() {
  printf '%s\n' \
    "# Written by Grid's scripts/redis.sh; it names the password, so it is readable by its owner only." \
    "bind 127.0.0.1" \
    "protected-mode yes" \
    "port $port" \
    "tls-port $tls_port" \
    "tls-cert-file $cert" \
    "tls-key-file $key" \
    "tls-ca-cert-file $ca" \
    "tls-auth-clients no" \
    "tls-protocols \"TLSv1.2 TLSv1.3\"" \
    "requirepass $(password)" \
    "save \"\"" \
    "appendonly no" \
    "dir $state" \
    "daemonize yes" \
    "supervised no" \
    "pidfile $pidfile" \
    "logfile $logfile" \
    "loglevel notice" \
    "always-show-logo no"
}

conf_changed=0
write_config() {
  if [ "$(cat "$conf" 2>/dev/null)" != "$(config)" ]; then
    (umask 077 && config >"$conf.tmp" && mv -f "$conf.tmp" "$conf") || fail "could not write $conf"
    conf_changed=1
  fi
  chmod 600 "$conf" || fail "could not make $conf private"
}

# The pid of this user's server, when its pidfile names a live redis-server process.
server_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'redis-server' || return 1
  echo "$pid"
}

# Whether process $1 runs (a zombie, exited but not yet reaped, does not).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Asks the server on a port (TLS when $2 is tls) for PING with the password: prints PONG, or what went wrong.
ask() {
  local args=(-h 127.0.0.1 -p "$1")
  [ "$2" != tls ] || args+=(--tls --cacert "$ca")
  shift 2
  REDISCLI_AUTH=$(password) timeout 3 redis-cli "${args[@]}" "$@" 2>&1
}

ping_port() { [ "$(ask "$1" "$2" ping)" = PONG ]; }

# Whether the server answers, but refuses the password (one started with another password, say).
refuses_password() { ask "$port" plain ping | grep -q -e NOAUTH -e WRONGPASS; }

# The server's log lines since line $log_mark (the last 15), with the password blanked out should one ever hold it.
log_mark=0
log_since_mark() {
  local pass
  pass=$(password)
  tail -n "+$((log_mark + 1))" "$logfile" 2>/dev/null | tail -n 15 | { if [ -n "$pass" ]; then sed "s/$pass/***/g"; else cat; fi; }
}
log_tail() { log_since_mark >&2; }

# Waits until both ports answer PONG, or the server has exited, or $1 seconds have passed.
await_server() {
  local deadline=$((SECONDS + $1)) started=$SECONDS
  while true; do
    # The daemon writes its pidfile at once; without a live one after a second it has exited (a port in use, say).
    if [ $((SECONDS - started)) -ge 1 ] && ! server_pid >/dev/null; then
      return 1
    fi
    if ping_port "$port" plain && ping_port "$tls_port" tls; then
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      return 1
    fi
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

stop_server() {
  local pid
  pid=$(server_pid) || { rm -f "$pidfile"; return 0; }
  # A server stopped with SIGSTOP would answer nothing, nor act on SIGTERM: let it run first.
  kill -CONT "$pid" 2>/dev/null || true
  # SHUTDOWN returns once the server has closed its connections; the process may still be ending. A server that refuses
  # the password (or does not answer) gets SIGTERM, which shuts Redis down the same way, and SIGKILL if even that fails.
  ask "$port" plain shutdown nosave >/dev/null 2>&1 || true
  wait_exit "$pid" 2 || { kill -TERM "$pid" 2>/dev/null || true; wait_exit "$pid" 5; } \
    || { kill -KILL "$pid" 2>/dev/null || true; wait_exit "$pid" 5; } \
    || fail "the Redis server (pid $pid) did not exit"
  rm -f "$pidfile"
}

start_server() {
  local timeout=$1
  ensure_password
  ensure_tls
  write_config
  if server_pid >/dev/null; then
    if [ "$tls_changed" -eq 1 ] || [ "$conf_changed" -eq 1 ]; then
      echo "redis.sh: restarting the Redis server to take up its new configuration or certificates" >&2
      stop_server
    elif await_server "$timeout"; then
      return 0
    elif refuses_password; then
      echo "redis.sh: the running Redis server refuses the password in $password_file; restarting it" >&2
      stop_server
    else
      log_tail
      fail "the running Redis server (pid $(server_pid)) does not answer PING on 127.0.0.1:$port and :$tls_port within ${timeout} s; see $logfile"
    fi
  fi
  # Started in the state folder, so it holds every file the server writes; the server detaches at once.
  log_mark=0
  [ ! -f "$logfile" ] || log_mark=$(wc -l <"$logfile")
  (cd "$state" && redis-server "$conf" >/dev/null 2>&1 9>&-) || { log_tail; fail "redis-server $conf failed; see $logfile"; }
  if ! await_server "$timeout"; then
    log_tail
    if log_since_mark | grep -q 'Address already in use'; then
      fail "127.0.0.1:$port or :$tls_port is in use by another program; set GRID_REDIS_PORT and GRID_REDIS_TLS_PORT to free ports"
    fi
    if refuses_password; then
      fail "something else listens on 127.0.0.1:$port and refuses this run's password; set GRID_REDIS_PORT and GRID_REDIS_TLS_PORT to free ports"
    fi
    fail "the Redis server did not answer PING on 127.0.0.1:$port and :$tls_port within ${timeout} s; see $logfile"
  fi
}

seconds() {
  { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; } || { echo "redis.sh: $2 takes a number of seconds, got '$1'" >&2; exit 2; }
}

# A value for an export line, in single quotes.
quoted() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

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
    { [ -d "$state" ] && [ -O "$state" ]; } || fail "no Redis state in $state yet: run scripts/redis.sh start"
    pass=$(password)
    [[ "$pass" =~ ^[0-9a-f]{32}$ ]] || fail "no password in $password_file yet: run scripts/redis.sh start"
    [ -s "$ca" ] || fail "no CA certificate in $state yet: run scripts/redis.sh start"
    echo "export GRID_TEST_REDIS=$(quoted "127.0.0.1:$port,password=$pass")"
    echo "export GRID_TEST_REDIS_TLS=$(quoted "127.0.0.1:$tls_port,password=$pass,ssl=true,sslHost=localhost")"
    echo "export GRID_TEST_REDIS_CA=$(quoted "$ca")"
    ;;
  *)
    usage
    ;;
esac
