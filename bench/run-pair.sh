#!/usr/bin/env bash
# Runs one busmesh benchmark as two JVMs on loopback: a server verticle, started first and waited
# for until it prints its ready line, and a client verticle that measures, prints its report and
# exits. Both are stopped on any exit. Used by bench/overhead.sh and bench/strategies.sh:
#
#   bench/run-pair.sh SERVER_VERTICLE READY_LINE CLIENT_VERTICLE [CLIENT_CONF_JSON]
#
# BENCH_CONF may hold the client conf instead, BENCH_SERVER_CONF the server's; BENCH_CLIENT_JVM_OPTS and BENCH_SERVER_JVM_OPTS
# add JVM options to one side (e.g. -agentpath:.../libasyncProfiler.so=start,event=cpu,file=profile.html to profile it);
# BENCH_TIMEOUT_SECONDS (default 240) bounds the
# client JVM in case something hangs. BENCH_SECURITY adds "mesh": {"security": ...} to both confs (both verticles must
# accept a "mesh" key, as those of bench/overhead.sh do), with files made in a temporary directory:
#   tls     bin/dev-ca.sh certificates: event-bus mutual TLS and a certificate-signed control plane (BENCH_TLS=1 too)
#   signed  the same certificates, control plane signed, event bus plain ("eventBusTls": false)
#   hmac    a shared secret: control plane signed with HMAC, event bus plain
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=target/busmesh.jar
SERVER_CLASS=$1
READY_LINE=$2
CLIENT_CLASS=$3
CONF=${4:-${BENCH_CONF:-}}
SERVER_CONF=${BENCH_SERVER_CONF:-'{}'}
CONF=${CONF:-'{}'}
CLIENT_LIMIT=${BENCH_TIMEOUT_SECONDS:-240}
SERVER_READY_SECONDS=90
CLUSTER=busmesh-bench-$$
JVM=(-Xms512m -Xmx512m -Djava.net.preferIPv4Stack=true
     -Djava.util.logging.config.file=bench/logging.properties -Dbusmesh.cluster.name="$CLUSTER")

CERTS=
SECURITY=${BENCH_SECURITY:-}
[[ ${BENCH_TLS:-0} == 1 ]] && SECURITY=${SECURITY:-tls}
# with_security JSON NAME: the conf object JSON plus "mesh": {"security": ...} for the JVM called NAME.
with_security() {
  local json=$1 entry
  if [[ $json == *'"mesh"'* ]]; then
    echo "busmesh-bench: BENCH_SECURITY adds \"mesh\" to the confs, but this one has it already: $json" >&2
    return 1
  fi
  case $SECURITY in
    hmac) entry=$(printf '"mesh": {"security": {"signing": "hmac", "hmacSecretPath": "%s"}}' "$CERTS/secret") ;;
    *) entry=$(printf '"mesh": {"security": {"keyPath": "%s", "certPath": "%s", "caPath": "%s"%s}}' \
      "$CERTS/$2.key" "$CERTS/$2.crt" "$CERTS/ca.crt" "$([[ $SECURITY == signed ]] && echo ', "eventBusTls": false')") ;;
  esac
  if [[ $json =~ ^[[:space:]]*\{[[:space:]]*\}[[:space:]]*$ ]]; then
    echo "{$entry}"
  else
    echo "{$entry, ${json#*\{}"
  fi
}

# shellcheck source=bench/fresh-jar.sh
source bench/fresh-jar.sh
fresh_jar
# The JVMs run from a private copy: a rebuild of target/ during the run must not pull classes from under them.
RUN_JAR=$(mktemp "${TMPDIR:-/tmp}/busmesh-bench-jar.XXXXXX")
cp "$JAR" "$RUN_JAR"
JAR=$RUN_JAR

if [[ -n $SECURITY ]]; then
  CERTS=$(mktemp -d "${TMPDIR:-/tmp}/busmesh-bench-certs.XXXXXX")
  case $SECURITY in
    tls | signed)
      bin/dev-ca.sh "$CERTS" server client >"$CERTS/dev-ca.log" 2>&1 || { cat "$CERTS/dev-ca.log" >&2; rm -rf "$CERTS"; exit 1; } ;;
    hmac) head -c 48 /dev/urandom | base64 >"$CERTS/secret" ;;
    *) echo "busmesh-bench: BENCH_SECURITY must be tls, signed or hmac, got '$SECURITY'" >&2; rm -rf "$CERTS"; exit 2 ;;
  esac
  SERVER_CONF=$(with_security "$SERVER_CONF" server) || { rm -rf "$CERTS"; exit 2; }
  CONF=$(with_security "$CONF" client) || { rm -rf "$CERTS"; exit 2; }
  echo "busmesh-bench: security '$SECURITY' (files in $CERTS)" >&2
fi

SERVER_LOG=$(mktemp "${TMPDIR:-/tmp}/busmesh-bench-server.XXXXXX")
SERVER_PID=
CLIENT_PID=

# Stops only the processes this script started: SIGTERM lets the launcher close Vert.x cleanly,
# SIGKILL follows if that takes longer than 15 s.
stop() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop "$CLIENT_PID"
  stop "$SERVER_PID"
  rm -f "$RUN_JAR"
  [[ -z $CERTS ]] || rm -rf "$CERTS"
  if [[ $status -eq 0 ]]; then
    rm -f "$SERVER_LOG"
  else
    echo "busmesh-bench: failed (exit $status); server log kept in $SERVER_LOG, its end:" >&2
    tail -n 20 "$SERVER_LOG" >&2 || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck disable=SC2086
java "${JVM[@]}" ${BENCH_SERVER_JVM_OPTS:-} -jar "$JAR" "$SERVER_CLASS" -cluster -cluster-host 127.0.0.1 -conf "$SERVER_CONF" \
  >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "busmesh-bench: server JVM $SERVER_PID in cluster $CLUSTER, log $SERVER_LOG" >&2

# The client starts once the server is serving, so the two never race to form the cluster.
for ((tick = 0; ; tick++)); do
  grep -q "$READY_LINE" "$SERVER_LOG" && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "busmesh-bench: the server JVM exited before it was ready" >&2
    exit 1
  fi
  if ((tick >= SERVER_READY_SECONDS * 10)); then
    echo "busmesh-bench: the server JVM was not ready after $SERVER_READY_SECONDS s" >&2
    exit 1
  fi
  sleep 0.1
done
grep "$READY_LINE" "$SERVER_LOG" >&2

# Started in the background and waited for, so that Ctrl-C reaches the trap at once.
# shellcheck disable=SC2086
timeout --kill-after=10 "$CLIENT_LIMIT" java "${JVM[@]}" ${BENCH_CLIENT_JVM_OPTS:-} -jar "$JAR" "$CLIENT_CLASS" \
  -cluster -cluster-host 127.0.0.1 -conf "$CONF" &
CLIENT_PID=$!
status=0
wait "$CLIENT_PID" || status=$?
CLIENT_PID=
if ((status == 124 || status == 137)); then
  echo "busmesh-bench: the client JVM did not finish within $CLIENT_LIMIT s (BENCH_TIMEOUT_SECONDS)" >&2
fi
exit "$status"
