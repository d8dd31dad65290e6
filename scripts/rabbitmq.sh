#!/usr/bin/env bash
# Runs the local RabbitMQ broker (Debian's rabbitmq-server) that Grid's cluster tests and a plain-process cluster use,
# listening on loopback only. scripts/test.sh and the tests' broker fixture both go through this script, so every
# start, stop and restart binds the same addresses.
#
#   scripts/rabbitmq.sh start [SECONDS]      start the broker unless it answers; wait until it accepts AMQP (default 60 s)
#   scripts/rabbitmq.sh stop                 stop the broker and its Erlang VM
#   scripts/rabbitmq.sh restart-app          stop and start the broker application in its running VM: every connection
#                                            is closed and every queue process restarts (about 3 s here, ready again)
#   scripts/rabbitmq.sh test-user [VHOST]    create or update the user grid-test with a new random password on VHOST
#                                            (default grid-test) and print its AMQP URI on stdout
#   scripts/rabbitmq.sh test-env [VHOST]     print "export GRID_TEST_RABBITMQ=..." for: eval "$(scripts/rabbitmq.sh test-env)"
#   scripts/rabbitmq.sh list-queues VHOST    print the names of the queues on VHOST, one a line
#   scripts/rabbitmq.sh list-exchanges VHOST print the names of the exchanges on VHOST, one a line
#
# Needs root, or passwordless sudo: Debian's RabbitMQ tools run only as root or as the rabbitmq user.
# Exit codes: 0 done, 1 failed (one line on stderr says why), 2 usage.
set -uo pipefail

# RABBITMQ_NODE_IP_ADDRESS binds AMQP (5672), ERL_EPMD_ADDRESS binds epmd (4369), inet_dist_use_interface binds the
# Erlang distribution listeners: the broker's (25672) and the one every rabbitmqctl call opens for itself (35672-35682),
# which otherwise listen on all interfaces.
loopback_env=(
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  ERL_EPMD_ADDRESS=127.0.0.1
  "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
)

fail() { echo "rabbitmq.sh: $*" >&2; exit 1; }

# Runs a RabbitMQ tool as root (sudo drops the environment, so it is passed through env).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    env "${loopback_env[@]}" "$@"
  else
    sudo -n env "${loopback_env[@]}" "$@"
  fi
}

ping_broker() { as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

# Waits until the node answers and its AMQP listener accepts connections, or the deadline passes.
await_broker() {
  local deadline=$((SECONDS + $1))
  # Each CLI call starts an Erlang VM (about 0.4 s), which paces the loop; ping answers before the app has booted.
  until ping_broker; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
  local left=$((deadline - SECONDS))
  [ "$left" -gt 0 ] || left=1
  as_root rabbitmqctl -q await_startup --timeout "$left" >/dev/null 2>&1 \
    && as_root rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1
}

require_tools() {
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] \
    || fail "rabbitmq-server is not installed (apt-get install --no-install-recommends rabbitmq-server; scripts/test.sh does this)"
  export PATH="$PATH:/usr/sbin"
  if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
    fail "RabbitMQ's tools need root: run as root or with passwordless sudo"
  fi
}

valid_name() { [[ "$1" =~ ^(/|[A-Za-z0-9._-]+)$ ]] || { echo "rabbitmq.sh: '$1' is not a valid name (letters, digits, . _ -)" >&2; exit 2; }; }

command=${1:-}
case "$command" in
  start)
    timeout=${2:-60}
    [[ "$timeout" =~ ^[0-9]+$ ]] || { echo "rabbitmq.sh: start takes a number of seconds, got '$timeout'" >&2; exit 2; }
    require_tools
    if ! ping_broker; then
      # The node detaches at once; its own log explains a start that never answers.
      as_root rabbitmq-server -detached >/dev/null 2>&1 || fail "rabbitmq-server -detached failed; see /var/log/rabbitmq/"
    fi
    await_broker "$timeout" \
      || fail "the broker did not accept connections on 127.0.0.1:5672 within ${timeout} s; see /var/log/rabbitmq/ and rabbitmq-diagnostics status"
    # A broker this script did not start (a system service, say) may listen elsewhere: say so rather than hide it.
    others=$(as_root rabbitmq-diagnostics -q listeners 2>/dev/null | grep -v -e 'Interface: 127\.0\.0\.1,' -e 'Interface: ::1,' -e '^$')
    [ -z "$others" ] || echo "rabbitmq.sh: warning: the running broker also listens beyond loopback: $others" >&2
    ;;
  stop)
    require_tools
    ping_broker || exit 0
    # shutdown returns once the VM has exited, unlike stop, which only asks it to.
    as_root rabbitmqctl -q shutdown >/dev/null 2>&1 || fail "rabbitmqctl shutdown failed"
    ;;
  restart-app)
    require_tools
    as_root rabbitmqctl -q stop_app >/dev/null 2>&1 || fail "rabbitmqctl stop_app failed (is the broker running? scripts/rabbitmq.sh start)"
    as_root rabbitmqctl -q start_app >/dev/null 2>&1 || fail "rabbitmqctl start_app failed; see /var/log/rabbitmq/"
    await_broker 60 || fail "the broker did not accept connections within 60 s after start_app"
    ;;
  test-user|test-env)
    vhost=${2:-grid-test}
    valid_name "$vhost"
    require_tools
    user=grid-test
    # A new password each run: hex, so it needs no escaping in a URI. It reaches rabbitmqctl on stdin, not argv.
    password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
    [ ${#password} -eq 32 ] || fail "could not generate a password"
    as_root rabbitmqctl -q list_vhosts 2>/dev/null | grep -qx -- "$vhost" \
      || as_root rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 || fail "could not create the virtual host $vhost"
    if as_root rabbitmqctl -q list_users 2>/dev/null | cut -f1 | grep -qx -- "$user"; then
      printf '%s\n' "$password" | as_root rabbitmqctl -q change_password "$user" >/dev/null 2>&1 || fail "could not change the password of $user"
    else
      printf '%s\n' "$password" | as_root rabbitmqctl -q add_user "$user" >/dev/null 2>&1 || fail "could not create the user $user"
    fi
    as_root rabbitmqctl -q set_permissions -p "$vhost" "$user" '.*' '.*' '.*' >/dev/null 2>&1 \
      || fail "could not grant $user permissions on $vhost"
    uri="amqp://$user:$password@127.0.0.1:5672/$vhost"
    if [ "$command" = test-env ]; then echo "export GRID_TEST_RABBITMQ=$uri"; else echo "$uri"; fi
    ;;
  list-queues|list-exchanges)
    vhost=${2:-}
    [ -n "$vhost" ] || { echo "rabbitmq.sh: $command needs a virtual host" >&2; exit 2; }
    require_tools
    what=${command#list-}
    as_root rabbitmqctl -q --no-table-headers "list_$what" -p "$vhost" name 2>/dev/null || fail "could not list the $what on $vhost"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
