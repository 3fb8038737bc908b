#!/usr/bin/env bash
# A throwaway etcd cluster on loopback for tests, benchmarks and trying the etcd state backend by hand.
#
#   scripts/etcd-cluster.sh start DIR [--members N] [--plain]   CA + certs (openssl), N members (default 3), waits
#                                                               until every member answers `endpoint health`
#   scripts/etcd-cluster.sh stop DIR                            ends every member (SIGTERM, SIGKILL after 2 s)
#   scripts/etcd-cluster.sh kill DIR N                          SIGKILLs member N (1-based)
#   scripts/etcd-cluster.sh restart DIR N                       starts member N again on its data and ports
#   scripts/etcd-cluster.sh ctl DIR ARGS...                     etcdctl against the cluster with its certs
#   scripts/etcd-cluster.sh untrusted DIR                       a second CA and a client cert the cluster does
#                                                               not trust (DIR/untrusted-*.pem), for tests
#
# DIR gets: ca.pem, member-N.pem/-key.pem (server and peer cert, SAN IP:127.0.0.1 DNS:localhost), sigil.pem and
# sigil-key.pem (client cert), endpoints (comma-separated URLs), member-N.pid, member-N.log, member-N.data/.
# Keys are 0600. --plain: no TLS at all (http:// endpoints). Election timing is tuned for loopback: heartbeat
# ETCD_HEARTBEAT_MS (50) and election ETCD_ELECTION_MS (500). ETCD_START_TIMEOUT (60 s) bounds the health wait.
set -euo pipefail
umask 077

die() { echo "etcd-cluster: $*" >&2; exit 1; }
usage() { die "usage: $0 start DIR [--members N] [--plain] | stop DIR | kill DIR N | restart DIR N | ctl DIR ARGS... | untrusted DIR"; }
need() { command -v "$1" >/dev/null || die "$1 not found; install it with: scripts/deps.sh test (Debian: $2)"; }

# --- certificates -------------------------------------------------------------------------------------------------
new_ca() {  # new_ca DIR NAME: NAME.pem and NAME-key.pem, a self-signed P-256 CA
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 3650 -sha256 \
    -subj "/CN=$2" -keyout "$1/$2-key.pem" -out "$1/$2.pem" 2>/dev/null
}
new_cert() {  # new_cert DIR CA NAME CN USAGE: NAME.pem/NAME-key.pem signed by CA.pem, extendedKeyUsage USAGE
  local dir=$1 ca=$2 name=$3 cn=$4 eku=$5 ext
  ext=$(mktemp "$dir/.ext.XXXXXX")
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    echo "subjectAltName=IP:127.0.0.1,DNS:localhost"
  } >"$ext"
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -subj "/CN=$cn" \
    -keyout "$dir/$name-key.pem" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.pem" -CAkey "$dir/$ca-key.pem" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr" "$ext"
  chmod 0600 "$dir/$name-key.pem"
}

# --- members ---------------------------------------------------------------------------------------------------
alive() {  # an etcd process; a zombie (killed, not yet reaped) or a reused pid counts as gone
  local comm="" state=""
  [ -r "/proc/$1/stat" ] && read -r _ comm state _ <"/proc/$1/stat" 2>/dev/null
  # (bash) and (setsid): a member between its fork and its exec.
  case "$comm" in "(etcd)"|"(setsid)"|"(bash)") [ "$state" != Z ] ;; *) false ;; esac
}

free_ports() {  # free_ports COUNT: COUNT distinct loopback ports nobody listens on right now
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

launch() {  # launch DIR N: runs member N from its saved command line, detached, output to member-N.log
  local dir=$1 n=$2 args=()
  mapfile -t args <"$dir/member-$n.cmd"
  (
    # Whoever ran this script may wait for EOF on a descriptor it passed down (Swift's Process does): a member
    # that outlives the script must not hold it.
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid etcd "${args[@]}" </dev/null >>"$dir/member-$n.log" 2>&1
  ) &
  echo $! >"$dir/member-$n.pid"
}

live_endpoints() {  # the endpoints of members running now (etcdctl spends seconds on a dead first endpoint)
  local dir=$1 n=0 live="" url
  for url in $(tr ',' ' ' <"$dir/endpoints"); do
    n=$((n + 1))
    [ -f "$dir/member-$n.pid" ] && alive "$(cat "$dir/member-$n.pid")" && live+="${live:+,}$url"
  done
  echo "${live:-$(cat "$dir/endpoints")}"
}

ctl_args() {  # etcdctl flags for DIR: the live members, or the one endpoint $2 names
  local dir=$1 endpoints
  endpoints=${2:-$(live_endpoints "$dir")}
  printf '%s\n' "--endpoints=$endpoints" --dial-timeout=2s --command-timeout=5s
  if [ -f "$dir/sigil.pem" ]; then
    printf '%s\n' "--cacert=$dir/ca.pem" "--cert=$dir/sigil.pem" "--key=$dir/sigil-key.pem"
  fi
}

endpoint_of() { tr ',' '\n' <"$1/endpoints" | sed -n "$2p"; }

wait_healthy() {  # wait_healthy DIR [ENDPOINT N]: polls `endpoint health` until it passes; members must stay up
  local dir=$1 endpoint=${2:-} only=${3:-} args=() deadline pidfile
  mapfile -t args < <(ctl_args "$dir" "$endpoint")
  deadline=$(( $(date +%s) + ${ETCD_START_TIMEOUT:-60} ))
  until ETCDCTL_API=3 etcdctl "${args[@]}" endpoint health >/dev/null 2>&1; do
    for pidfile in "$dir"/member-*.pid; do
      [ -f "$pidfile" ] || continue
      alive "$(cat "$pidfile")" && continue
      [ -n "$only" ] && [ "$pidfile" != "$dir/member-$only.pid" ] && continue
      die "$(basename "$pidfile" .pid) exited while starting; last lines of ${pidfile%.pid}.log:
$(tail -n 5 "${pidfile%.pid}.log")"
    done
    [ "$(date +%s)" -lt "$deadline" ] || die "cluster in $dir not healthy after ${ETCD_START_TIMEOUT:-60} s; see $dir/member-*.log"
    sleep 0.1  # poll interval, not a wait for readiness
  done
}

start() {
  local dir=$1; shift
  local members=3 plain=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --members) [ $# -ge 2 ] || usage; members=$2; shift 2 ;;
      --plain) plain=1; shift ;;
      *) die "unknown option $1 (expected --members N or --plain)" ;;
    esac
  done
  [[ "$members" =~ ^[1-9]$ ]] || die "--members $members: expected a number from 1 to 9"
  need etcd etcd-server; need etcdctl etcd-client; need openssl openssl; need python3 python3
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  for f in "$dir"/member-*.pid; do
    [ -f "$f" ] && alive "$(cat "$f")" && die "a cluster is already running in $dir (stop it first: $0 stop $dir)"
  done
  rm -rf "$dir"/member-* "$dir"/endpoints

  local scheme=https n
  if [ "$plain" = 1 ]; then
    scheme=http
  else
    [ -f "$dir/ca.pem" ] || new_ca "$dir" ca
    # clientAuth too: with --client-cert-auth, etcd 3.4's JSON gateway (what Sigil calls) dials the member's own
    # gRPC server presenting the member's certificate as a client certificate; without it the gateway answers
    # HTTP 503 "connection closed" while etcdctl (plain gRPC) still works.
    for n in $(seq "$members"); do
      new_cert "$dir" ca "member-$n" "member-$n" serverAuth,clientAuth
    done
    new_cert "$dir" ca sigil sigil clientAuth
  fi

  local ports cluster="" endpoints="" client peer token="sigil-$$-$RANDOM"
  read -r -a ports <<<"$(free_ports $((members * 2)))"
  for n in $(seq "$members"); do
    peer=${ports[$(( (n - 1) * 2 + 1 ))]}
    cluster+="${cluster:+,}member-$n=$scheme://127.0.0.1:$peer"
  done
  for n in $(seq "$members"); do
    client=${ports[$(( (n - 1) * 2 ))]}
    peer=${ports[$(( (n - 1) * 2 + 1 ))]}
    endpoints+="${endpoints:+,}$scheme://127.0.0.1:$client"
    {
      printf '%s\n' --name "member-$n" --data-dir "$dir/member-$n.data" \
        --listen-client-urls "$scheme://127.0.0.1:$client" --advertise-client-urls "$scheme://127.0.0.1:$client" \
        --listen-peer-urls "$scheme://127.0.0.1:$peer" --initial-advertise-peer-urls "$scheme://127.0.0.1:$peer" \
        --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "$token" \
        --heartbeat-interval "${ETCD_HEARTBEAT_MS:-50}" --election-timeout "${ETCD_ELECTION_MS:-500}" \
        --logger zap --log-outputs stderr
      if [ "$plain" = 0 ]; then
        printf '%s\n' --trusted-ca-file "$dir/ca.pem" --client-cert-auth \
          --cert-file "$dir/member-$n.pem" --key-file "$dir/member-$n-key.pem" \
          --peer-trusted-ca-file "$dir/ca.pem" --peer-client-cert-auth \
          --peer-cert-file "$dir/member-$n.pem" --peer-key-file "$dir/member-$n-key.pem"
      fi
    } >"$dir/member-$n.cmd"
  done
  echo "$endpoints" >"$dir/endpoints"
  chmod 0644 "$dir/endpoints"
  for n in $(seq "$members"); do launch "$dir" "$n"; done
  # A cluster that does not come up is not left running behind the error.
  trap 'stop "$dir"' EXIT
  wait_healthy "$dir"
  trap - EXIT
  echo "$endpoints"
}

stop() {
  local dir=$1 f pid deadline
  for f in "$dir"/member-*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  # Members that stop together spend seconds saying goodbye to each other; a throwaway cluster need not wait.
  deadline=$(( $(date +%s) + 2 ))
  for f in "$dir"/member-*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    while alive "$pid"; do
      if [ "$(date +%s)" -ge "$deadline" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.05  # poll interval while the member exits
    done
    rm -f "$f"
  done
}

kill_member() {
  local dir=$1 n=$2 pid
  [ -f "$dir/member-$n.pid" ] || die "no member $n in $dir (no $dir/member-$n.pid)"
  pid=$(cat "$dir/member-$n.pid")
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  while alive "$pid"; do sleep 0.05; done  # poll until the process is gone
}

restart_member() {
  local dir=$1 n=$2
  [ -f "$dir/member-$n.cmd" ] || die "no member $n in $dir (no $dir/member-$n.cmd)"
  if [ -f "$dir/member-$n.pid" ] && alive "$(cat "$dir/member-$n.pid")"; then
    die "member $n in $dir is still running (pid $(cat "$dir/member-$n.pid"))"
  fi
  launch "$dir" "$n"
  wait_healthy "$dir" "$(endpoint_of "$dir" "$n")" "$n"
}

[ $# -ge 2 ] || usage
cmd=$1 dir=$2
shift 2
case "$cmd" in
  start) start "$dir" "$@" ;;
  stop) [ $# -eq 0 ] || usage; stop "$dir" ;;
  kill) [ $# -eq 1 ] || usage; kill_member "$dir" "$1" ;;
  restart) [ $# -eq 1 ] || usage; restart_member "$dir" "$1" ;;
  ctl) mapfile -t a < <(ctl_args "$dir"); ETCDCTL_API=3 exec etcdctl "${a[@]}" "$@" ;;
  untrusted)
    [ $# -eq 0 ] || usage
    new_ca "$dir" untrusted-ca
    new_cert "$dir" untrusted-ca untrusted sigil clientAuth ;;
  *) usage ;;
esac
