#!/usr/bin/env bash
# Runs the local RabbitMQ broker (Debian's rabbitmq-server) that Grid's cluster tests and a plain-process cluster use,
# listening on loopback only: AMQP on 127.0.0.1:5672 and AMQP over TLS on 127.0.0.1:5671. scripts/test.sh and the
# tests' broker fixture both go through this script, so every start, stop and restart binds the same addresses.
#
#   scripts/rabbitmq.sh start [SECONDS]      start the broker unless it answers; wait until it accepts AMQP on both
#                                            ports (default 60 s); a running broker without the TLS listener is restarted
#   scripts/rabbitmq.sh stop                 stop the broker and its Erlang VM
#   scripts/rabbitmq.sh restart-app          stop and start the broker application in its running VM: every connection
#                                            is closed and every queue process restarts (about 3 s here, ready again)
#   scripts/rabbitmq.sh test-user [VHOST]    create or update the user grid-test with a new random password on VHOST
#                                            (default grid-test) and print its AMQP URI on stdout
#   scripts/rabbitmq.sh test-env [VHOST]     the same, as export lines for: eval "$(scripts/rabbitmq.sh test-env)":
#                                            GRID_TEST_RABBITMQ (amqp:// on 5672), GRID_TEST_RABBITMQ_TLS (amqps:// on
#                                            5671, same user) and GRID_TEST_RABBITMQ_CA (the CA file TLS clients trust)
#   scripts/rabbitmq.sh tls-ca               print the path of the CA certificate (PEM) of the broker's TLS listener
#   scripts/rabbitmq.sh list-queues VHOST    print the names of the queues on VHOST, one a line
#   scripts/rabbitmq.sh list-exchanges VHOST print the names of the exchanges on VHOST, one a line
#
# TLS: the first start makes, with openssl, a private CA and a certificate for localhost and 127.0.0.1 signed by it in
# /var/lib/rabbitmq/grid-tls (the CA's key is deleted once it has signed), and a rabbitmq.conf there that the broker is
# started with. Later starts reuse them, and make new ones only when a file is missing or the certificate expires within
# 30 days. The CA certificate is world-readable, so a client of any user can trust it; the server key is the broker's.
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

# The TLS state this script owns: the CA certificate clients trust, the broker's certificate and key, its config file.
tls_dir=/var/lib/rabbitmq/grid-tls
tls_ca=$tls_dir/ca.pem
tls_cert=$tls_dir/server.pem
tls_key=$tls_dir/server.key
tls_conf=$tls_dir/rabbitmq.conf
tls_port=5671

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

# Whether the running broker has its TLS listener on 127.0.0.1:5671 (one started before TLS was set up has not).
tls_listening() {
  as_root rabbitmq-diagnostics -q listeners 2>/dev/null | grep -q "^Interface: 127\.0\.0\.1, port: $tls_port, protocol: amqp/ssl,"
}

# The broker's configuration: every listener on loopback, TLS with the certificate below, no client certificates asked.
tls_config() {
  printf '%s\n' \
    "# Written by Grid's scripts/rabbitmq.sh, which starts the broker with RABBITMQ_CONFIG_FILE naming this file." \
    "listeners.tcp.1 = 127.0.0.1:5672" \
    "listeners.ssl.1 = 127.0.0.1:$tls_port" \
    "ssl_options.cacertfile = $tls_ca" \
    "ssl_options.certfile = $tls_cert" \
    "ssl_options.keyfile = $tls_key" \
    "ssl_options.verify = verify_none" \
    "ssl_options.fail_if_no_peer_cert = false" \
    "ssl_options.versions.1 = tlsv1.3" \
    "ssl_options.versions.2 = tlsv1.2"
}

# Makes the CA, the broker's certificate and the config file unless they are there and good for 30 more days; sets
# tls_changed=1 when it wrote anything, since a running broker takes that up only when it restarts.
tls_changed=0
ensure_tls() {
  as_root install -d -o root -g root -m 755 "$tls_dir" || fail "could not create $tls_dir"
  if ! { [ -s "$tls_ca" ] && [ -s "$tls_cert" ] && as_root test -s "$tls_key" \
      && openssl x509 -in "$tls_cert" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 \
      && openssl verify -CAfile "$tls_ca" -purpose sslserver "$tls_cert" >/dev/null 2>&1; }; then
    command -v openssl >/dev/null 2>&1 || fail "openssl is not installed (apt-get install openssl); the TLS listener needs it"
    local work
    work=$(as_root mktemp -d "$tls_dir/new.XXXXXX") || fail "could not create a folder in $tls_dir"
    # The CA signs this one certificate and its key is deleted: nothing else can ever be signed with it.
    # shellcheck disable=SC2016 # the script runs in its own shell, with the folder as $1
    if ! as_root sh -c '
        set -e
        cd "$1"
        umask 077
        openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 -keyout ca.key -out ca.pem \
          -subj "/CN=Grid local test CA ($(uname -n))" \
          -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
        openssl req -new -nodes -newkey rsa:2048 -sha256 -keyout server.key -out server.csr -subj "/CN=localhost"
        printf "%s\n" "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
          "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
          "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
          -sha256 -days 825 -extfile server.ext -out server.pem
        rm -f ca.key server.csr server.ext
        chmod 644 ca.pem server.pem
        chown rabbitmq:rabbitmq server.key
        chmod 600 server.key
        mv -f server.key server.pem ca.pem ..
      ' sh "$work" >/dev/null 2>&1; then
      as_root rm -rf "$work"
      fail "could not make the TLS certificates in $tls_dir with openssl"
    fi
    as_root rm -rf "$work"
    tls_changed=1
  fi
  if [ "$(cat "$tls_conf" 2>/dev/null)" != "$(tls_config)" ]; then
    # shellcheck disable=SC2016
    tls_config | as_root sh -c 'cat >"$1.tmp" && chmod 644 "$1.tmp" && mv -f "$1.tmp" "$1"' sh "$tls_conf" \
      || fail "could not write $tls_conf"
    tls_changed=1
  fi
}

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
    ensure_tls
    running=0
    if ping_broker; then
      # A broker started without the TLS files, or before they were made anew, takes them up only when its VM restarts.
      await_broker "$timeout" || fail "the running broker did not accept connections within ${timeout} s; see /var/log/rabbitmq/"
      if [ "$tls_changed" -eq 0 ] && tls_listening; then
        running=1
      else
        echo "rabbitmq.sh: restarting the broker to take up its TLS listener on 127.0.0.1:$tls_port" >&2
        as_root rabbitmqctl -q shutdown >/dev/null 2>&1 || fail "rabbitmqctl shutdown failed"
      fi
    fi
    if [ "$running" -eq 0 ]; then
      # The node detaches at once; its own log explains a start that never answers.
      as_root env RABBITMQ_CONFIG_FILE="$tls_conf" rabbitmq-server -detached >/dev/null 2>&1 \
        || fail "rabbitmq-server -detached failed; see /var/log/rabbitmq/"
      await_broker "$timeout" \
        || fail "the broker did not accept connections on 127.0.0.1:5672 and :$tls_port within ${timeout} s; see /var/log/rabbitmq/ and rabbitmq-diagnostics status"
      tls_listening || fail "the broker runs without its TLS listener on 127.0.0.1:$tls_port; see /var/log/rabbitmq/ and $tls_conf"
    fi
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
    if [ "$command" = test-env ]; then
      [ -s "$tls_ca" ] || fail "the broker has no TLS certificate yet in $tls_dir: run scripts/rabbitmq.sh start"
      echo "export GRID_TEST_RABBITMQ=$uri"
      echo "export GRID_TEST_RABBITMQ_TLS=amqps://$user:$password@127.0.0.1:$tls_port/$vhost"
      echo "export GRID_TEST_RABBITMQ_CA=$tls_ca"
    else
      echo "$uri"
    fi
    ;;
  tls-ca)
    [ -s "$tls_ca" ] || fail "the broker has no TLS certificate yet in $tls_dir: run scripts/rabbitmq.sh start"
    echo "$tls_ca"
    ;;
  list-queues|list-exchanges)
    vhost=${2:-}
    [ -n "$vhost" ] || { echo "rabbitmq.sh: $command needs a virtual host" >&2; exit 2; }
    require_tools
    what=${command#list-}
    as_root rabbitmqctl -q --no-table-headers "list_$what" -p "$vhost" name 2>/dev/null || fail "could not list the $what on $vhost"
    ;;
  *)
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
