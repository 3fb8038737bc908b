#!/usr/bin/env bash
# Container stage: builds the Dockerfile with rootful podman and runs the compose files for real.
#   1. images: both Dockerfile stages on local bases (images.sh); the runtime image runs `sigil version` as the
#      non-root user and holds only what it needs.
#   2. dev: compose/dev with the testnode override under podman-compose; Sigil signs heights for the stand-in and
#      its log lines reach syslog-ng.
#   3. bundles: `sigil provision` bundles on two machines (network namespaces joined by a router that plays the
#      internet), each step done as the bundle READMEs say, then the checks of Docs/production.md.
# See Docs/production.md ("Rootful Podman"). Environment:
#   SIGIL_BIN                  host sigil for provision and key import (default: the debug build)
#   SIGIL_PODMAN_COMPOSE       a podman-compose >= 1.0.6 to use instead of installing one from PyPI
#   SIGIL_CONTAINER_KEEP=1     keep the scratch directory (it is printed)
#   SIGIL_IMAGE_BUILT=1        use the sigil:latest already built (skips step 1's build, not its checks)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
packages="podman runc catatonit golang-github-containernetworking-plugin-dnsname debootstrap python3-venv python3-cryptography"
passed=0
failed=0

say() { echo "container-stage: $*"; }
summary() { say "$passed passed, $failed failed"; }
die() {
    echo "container-stage: error: $1" >&2
    [ -n "${2:-}" ] && echo "container-stage: fix: $2" >&2
    failed=$((failed + 1))
    summary
    exit 1
}
pass() { passed=$((passed + 1)); say "ok: $1"; }
fail() { failed=$((failed + 1)); say "FAIL: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 30 | sed 's/^/    /'; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
# Polls a condition (no fixed sleeps): eventually SECONDS COMMAND...
eventually() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.5
    done
}

missing=()
for tool in podman runc debootstrap nft ip nsenter python3; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ] || [ "$(id -u)" -ne 0 ]; then
    why=${missing[*]:+missing: ${missing[*]}}
    [ "$(id -u)" -ne 0 ] && why="${why:+$why; }needs root (rootful podman, network namespaces)"
    [ "${CI:-}" = true ] && die "$why" "apt-get install -y $packages"
    say "skipped ($why); to run it: apt-get install -y $packages"
    exit 0
fi

export CONTAINERS_CONF=$here/containers.conf
work=$(mktemp -d /var/tmp/sigil-containers.XXXXXX)
id=$(basename "$work" | tr -dc 'a-z0-9' | tail -c 5)
cleanups=()
cleanup() {
    local i
    for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" >/dev/null 2>&1; done
    if [ "${SIGIL_CONTAINER_KEEP:-}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ -z "${SIGIL_BIN:-}" ]; then
    SIGIL_BIN="$(cd "$repo" && swift build --show-bin-path 2>/dev/null)/sigil"
fi
[ -x "$SIGIL_BIN" ] || die "sigil binary $SIGIL_BIN not found" "build it with 'swift build --product sigil'"

# Debian 12's podman-compose 1.0.3 ignores network_mode: "service:..." and ipv4_address; 1.0.6+ handles both.
compose=${SIGIL_PODMAN_COMPOSE:-}
if [ -z "$compose" ]; then
    python3 -m venv "$work/venv" >/dev/null && "$work/venv/bin/pip" install -q podman-compose==1.2.0 >"$work/pip.log" 2>&1 ||
        die "cannot install podman-compose 1.2.0 from PyPI: $(tail -n 1 "$work/pip.log")" "apt-get install -y python3-venv"
    compose=$work/venv/bin/podman-compose
fi

# --- 1. images ---------------------------------------------------------------------------------------------------
started=$SECONDS
if [ "${SIGIL_IMAGE_BUILT:-}" != 1 ]; then
    SIGIL_CONTAINER_WORK=$work "$here/images.sh" || die "building the images failed (log above)"
    say "images built in $((SECONDS - started)) s"
fi

out=$(podman run --rm sigil:latest version 2>&1)
check "the runtime image runs \`sigil version\` ($out)" grep -q "sigil" <<<"$out"
user=$(podman run --rm --entrypoint id sigil:latest -un 2>&1)
check "the runtime image runs as the non-root user sigil (got $user)" test "$user" = sigil
unresolved=$(podman run --rm --entrypoint ldd sigil:latest /usr/local/bin/sigil 2>&1 | grep "not found")
check "every library sigil links is in the runtime image" test -z "$unresolved"
extra=$(podman run --rm --entrypoint dpkg-query sigil:latest -W -f '${Package}\n' 2>&1 |
        grep -E -e '-dev$' -e '^(gcc|g\+\+|cpp|clang|binutils|git|ca-certificates|curl|wget|python3)(-[0-9.]+)?$' -e '^swift' )
check "the runtime image holds no compilers, headers, git, curl, python or CA bundle${extra:+ (found: $extra)}" test -z "$extra"
check "the runtime image has no Swift toolchain or sources" \
    podman run --rm --entrypoint /bin/sh sigil:latest -c '! command -v swift && [ ! -e /src ] && [ -z "$(ls -A /opt)" ] && [ ! -e /etc/gitconfig ]'
for tool in wireguard-go nft; do
    check "the runtime image has $tool for the tunnel service" \
        podman run --rm --entrypoint /bin/sh sigil:latest -c "command -v $tool"
done

# --- 2. dev compose: testnode in sekai's place, Sigil, syslog-ng on kiranet --------------------------------------
podman build --quiet --network host --build-arg BASE_IMAGE=localhost/sigil-ci/bookworm:minbase \
    -t localhost/sigil-ci/syslog-ng:test -f "$here/syslog-ng.Containerfile" "$here" >/dev/null ||
    die "building the syslog-ng stand-in image failed"
dev=$work/dev
mkdir -p "$dev/sigil"
cp "$repo/compose/dev/compose.yml" "$repo/compose/dev/testnode.compose.yml" "$dev/"
# As the dev compose's header says: kiranet, a Sigil home owned by the image's user, sekai.local:26659 and v0.37.
if ! podman network exists kiranet; then
    podman network create --driver bridge --subnet 10.1.0.0/16 --gateway 10.1.0.1 kiranet >/dev/null ||
        die "podman network create kiranet failed"
    cleanups+=("podman network rm -f kiranet")
fi
"$SIGIL_BIN" init "$dev/sigil" -n kira >/dev/null && "$SIGIL_BIN" softsign keygen "$dev/sigil/secrets/priv_validator_key.json" >/dev/null ||
    die "sigil init for the dev signer failed"
sed -i -e 's/"kira-1"/"sigil-dev-1"/g' -e "s#$dev/sigil/#/etc/sigil/#g" \
    -e 's#^addr = .*#addr = "tcp://sekai.local:26659"#' -e 's#^protocol_version = .*#protocol_version = "v0.37"#' \
    "$dev/sigil/tmkms.toml"
chown -R 10001:10001 "$dev/sigil"
dc() { (cd "$dev" && SIGIL_IMAGE=sigil:latest SYSLOG_NG_IMAGE=localhost/sigil-ci/syslog-ng:test \
        "$compose" -f compose.yml -f testnode.compose.yml "$@"); }
cleanups+=("dc down -v -t 5")
if dc up -d >"$work/dev-up.log" 2>&1; then pass "the dev compose comes up under podman-compose"; else
    fail "the dev compose comes up under podman-compose" "$(cat "$work/dev-up.log")"; fi
heights() { podman logs "$1" 2>&1 | grep -c "signed, proposal, prevote and precommit verified"; }
dev_heights() { [ "$(heights sigil-dev_sekai_1)" -ge 5 ]; }
if eventually 120 dev_heights; then pass "Sigil signs heights for the stand-in on kiranet (sekai.local:26659)"; else
    fail "Sigil signs heights for the stand-in on kiranet" "$(podman logs sigil-dev_sekai_1 2>&1; podman logs sigil-dev_sigil_1 2>&1)"; fi
check "the stand-in verified every signature" bash -c '! podman logs sigil-dev_sekai_1 2>&1 | grep -q -e INVALID -e REFUSED'
in_syslog() { grep -q "sigil.*signed Precommit" "$dev/syslog-data/messages"; }
if eventually 30 in_syslog; then pass "Sigil's log lines reach syslog-ng"; else
    fail "Sigil's log lines reach syslog-ng" "$(ls -la "$dev/syslog-data" 2>&1; podman logs sigil-dev_syslog-ng_1 2>&1)"; fi
dc down -v -t 10 >/dev/null 2>&1

# --- 3. provisioned bundles on two machines ------------------------------------------------------------------------
# Machines are network namespaces (A: validator, B: signer, I: the internet that routes between them and plays the
# attacker). podman runs inside A's or B's namespace through nsenter (not `ip netns exec`, which remounts /sys and
# hides the cgroup hierarchy runc needs), so each machine's bridge, published ports and NAT are its own.
na=sgA$id nb=sgB$id ni=sgI$id
for n in $ni $na $nb; do ip netns add $n || die "ip netns add $n failed"; cleanups+=("ip netns del $n"); done
A() { nsenter --net=/run/netns/$na "$@"; }
B() { nsenter --net=/run/netns/$nb "$@"; }
I() { nsenter --net=/run/netns/$ni "$@"; }
ip link add a$id netns $ni type veth peer name eth0 netns $na &&
    ip link add b$id netns $ni type veth peer name eth0 netns $nb &&
    I ip addr add 203.0.113.1/24 dev a$id && I ip addr add 198.51.100.1/24 dev b$id &&
    A ip addr add 203.0.113.10/24 dev eth0 && B ip addr add 198.51.100.20/24 dev eth0 &&
    for m in A B I; do $m ip link set lo up; done && I ip link set a$id up && I ip link set b$id up &&
    A ip link set eth0 up && B ip link set eth0 up &&
    A ip route add default via 203.0.113.1 && B ip route add default via 198.51.100.1 &&
    I sysctl -qw net.ipv4.ip_forward=1 || die "building the two machines failed"

bundles=$work/bundles
"$SIGIL_BIN" provision --chain-id prod-1 --validator-endpoint 203.0.113.10 --signer-endpoint 198.51.100.20 \
    --out "$bundles" --validator-home "$bundles/validator" --signer-home "$bundles/signer" >/dev/null ||
    die "sigil provision failed"
va=$bundles/validator sb=$bundles/signer
mkdir -p "$work/sekin" && cp "$here/sekin/compose.yml" "$work/sekin/compose.yml"
ca() { A "$compose" -f "$work/sekin/compose.yml" -f "$va/compose.yml" "$@"; }
cb() { (cd "$sb" && B "$compose" "$@"); }
cleanups+=("ca down -t 5" "cb down -t 5")

# Machine A, as its README says: host firewall, sekaid's laddr, then sekin's compose file plus the bundle's.
check "A: the bundle's host firewall loads (nft -c, then nft -f)" A sh -c "nft -c -f $va/firewall/sigil.nft && nft -f $va/firewall/sigil.nft"
check "A: the stand-in listens where sekaid-config-change.toml puts priv_validator_laddr" \
    grep -q "priv_validator_laddr = \"tcp://10.200.0.1:26659\"" "$va/sekaid-config-change.toml"
if ca up -d >"$work/a-up.log" 2>&1; then pass "A: podman-compose -f <sekin>/compose.yml -f compose.yml up -d"; else
    fail "A: podman-compose -f <sekin>/compose.yml -f compose.yml up -d" "$(cat "$work/a-up.log")"; fi

# Machine B, as its README says: import the consensus key, host firewall, then the bundle's compose file.
python3 - "$work/priv_validator_key.json" <<'PY'
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization as s
key = Ed25519PrivateKey.generate()
seed = key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())
pub = key.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
b64 = lambda b: base64.b64encode(b).decode()
json.dump({"address": hashlib.sha256(pub).hexdigest()[:40].upper(),
           "pub_key": {"type": "tendermint/PubKeyEd25519", "value": b64(pub)},
           "priv_key": {"type": "tendermint/PrivKeyEd25519", "value": b64(seed + pub)}},
          os.fdopen(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w"))
PY
check "B: sigil softsign import priv_validator_key.json" \
    "$SIGIL_BIN" softsign import "$work/priv_validator_key.json" "$sb/secrets/priv_validator_key.json"
rm -f "$work/priv_validator_key.json"
check "B: the bundle's host firewall loads (nft -c, then nft -f)" B sh -c "nft -c -f $sb/firewall/sigil.nft && nft -f $sb/firewall/sigil.nft"
if cb up -d >"$work/b-up.log" 2>&1; then pass "B: cd <home> && podman-compose up -d"; else
    fail "B: cd <home> && podman-compose up -d" "$(cat "$work/b-up.log")"; fi

signed_logged() { podman logs signer_sigil_1 2>&1 | grep -q "connected to validator successfully" &&
    podman logs signer_sigil_1 2>&1 | grep -q "signed Prevote"; }
if eventually 90 signed_logged; then pass "B: the signer's log shows it connected and signing (README step 5)"; else
    fail "B: the signer's log shows it connected and signing" "$(podman logs --tail 20 signer_sigil_1 2>&1)"; fi
handshake() { ca exec -T sigil-tunnel sigil tunnel wait-handshake /etc/sigil/wg0.conf; }
if eventually 90 handshake; then pass "the tunnel is up (A's README step 5: wait-handshake in sekai's namespace)"; else
    fail "the tunnel is up" "$(podman logs sekin_sigil-tunnel_1 2>&1; podman logs signer_sigil-tunnel_1 2>&1)"; fi
check "B's tunnel runs wireguard-go in its container" \
    bash -c 'podman exec signer_sigil-tunnel_1 sigil wg show wg0 | grep -q userspace'
fifty() { [ "$(heights sekin_sekai_1)" -ge 50 ]; }
if eventually 120 fifty; then pass "50 heights signed through the tunnel, every signature verified by the stand-in"; else
    fail "50 heights signed through the tunnel" "$(podman logs sekin_sekai_1 2>&1; podman logs signer_sigil_1 2>&1)"; fi
check "no signature was invalid or refused" bash -c '! podman logs sekin_sekai_1 2>&1 | grep -q -e INVALID -e REFUSED'

# Namespaces: the tunnel shares sekai's (A) and the signer shares the tunnel's (B); each holds the bundle's table.
netns_of() { local pid; pid=$(podman inspect -f '{{.State.Pid}}' "$1") && [ "$pid" -gt 0 ] && readlink "/proc/$pid/ns/net"; }
same_netns() { local a b; a=$(netns_of "$1") && b=$(netns_of "$2") && [ "$a" = "$b" ]; }
check "A: sigil-tunnel runs in sekai's network namespace" same_netns sekin_sigil-tunnel_1 sekin_sekai_1
check "B: the signer runs in sigil-tunnel's network namespace" same_netns signer_sigil_1 signer_sigil-tunnel_1
in_ns() { nsenter --net="/proc/$(podman inspect -f '{{.State.Pid}}' "$1")/ns/net" "${@:2}"; }
check "A: the privval rule is loaded in sekai's namespace" \
    bash -c "$(declare -f in_ns); in_ns sekin_sekai_1 nft list table inet sigil | grep -q 'ip saddr 10.200.0.2 ip daddr 10.200.0.1 tcp dport 26659 accept'"
check "B: the lockdown table is loaded in the tunnel's namespace" \
    bash -c "$(declare -f in_ns); in_ns signer_sigil-tunnel_1 nft list table inet sigil | grep -q 'policy drop'"
hosts_have_tables() { A nft list table inet sigil >/dev/null && B nft list table inet sigil >/dev/null; }
check "A and B: the bundles' host tables are loaded on the hosts" hosts_have_tables

# 26659 from the internet (A's public address, and the tunnel address routed via A) and from B's host.
I ip route add 10.200.0.0/24 via 203.0.113.10
for target in 203.0.113.10 10.200.0.1; do
    check "26659 on $target is unreachable from the internet" \
        bash -c "! nsenter --net=/run/netns/$ni timeout 3 bash -c 'exec 3<>/dev/tcp/$target/26659'"
    check "26659 on $target is unreachable from B's host outside the tunnel" \
        bash -c "! nsenter --net=/run/netns/$nb timeout 3 bash -c 'exec 3<>/dev/tcp/$target/26659'"
done

# Restarts: signing resumes after either side's containers restart, and the signer's state survives down && up.
connects() { podman logs sekin_sekai_1 2>&1 | grep -c "signer connected"; }
resumed() { [ "$(connects)" -gt "$1" ] && [ "$(heights sekin_sekai_1)" -ge $(($2 + 5)) ]; }
# podman-compose restarts all services at once, in no order; a container that joined another's namespace must be
# restarted after it (the READMEs say so), because a restarted container gets a new namespace.
n=$(connects) h=$(heights sekin_sekai_1)
{ cb restart sigil-tunnel && cb restart sigil; } >"$work/b-restart.log" 2>&1
if eventually 120 resumed "$n" "$h"; then pass "signing resumes after B's containers restart"; else
    fail "signing resumes after B's containers restart" "$(cat "$work/b-restart.log"; podman logs --tail 20 signer_sigil_1 2>&1)"; fi
n=$(connects) h=$(heights sekin_sekai_1)
{ ca restart sekai && ca restart sigil-tunnel; } >"$work/a-restart.log" 2>&1
if eventually 120 resumed "$n" "$h"; then pass "signing resumes after A's containers restart"; else
    fail "signing resumes after A's containers restart" "$(cat "$work/a-restart.log"; podman logs --tail 20 sekin_sekai_1 2>&1; podman logs --tail 20 signer_sigil_1 2>&1)"; fi
state=$sb/state/prod-1_priv_validator_state.json
height_of() { python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["height"]))' "$state"; }
cb down -t 10 >"$work/b-down.log" 2>&1
before=$(height_of 2>/dev/null || echo 0)
check "B: the signer's state is on the host after podman-compose down (height $before)" test "$before" -gt 0
n=$(connects) h=$(heights sekin_sekai_1)
cb up -d >"$work/b-up2.log" 2>&1
if eventually 120 resumed "$n" "$h"; then pass "signing resumes after B's podman-compose down && up"; else
    fail "signing resumes after B's podman-compose down && up" "$(cat "$work/b-up2.log"; podman logs --tail 20 signer_sigil_1 2>&1)"; fi
after=$(height_of 2>/dev/null || echo 0)
check "B: the state kept its height across down && up and moved on ($before -> $after)" test "$after" -gt "$before"
check "no signature was invalid or refused after the restarts" bash -c '! podman logs sekin_sekai_1 2>&1 | grep -q -e INVALID -e REFUSED'

summary
[ "$failed" -eq 0 ]
