#!/bin/sh
# In-VM steps: run by /init inside the qemu guest (busybox sh, real kernel wireguard.ko).
# Each step prints one line `STEP <name>: PASS` or `STEP <name>: FAIL <detail>`; the last line is
# `RESULT: N passed, M failed`. Failing steps also print their full output, indented, before the STEP line.
#
# Two passes over the same topology and configs (/cfg, written on the host by make-configs.sh):
#   ref-*   stock ip(8) + wg(8): proves the harness (modules, namespaces, veth, expectations, TCP check).
#   sigil-* Sigil's own kernel backend: `sigil tunnel up|down`, `sigil wg show`, `sigil guard laddr`.
# Namespaces a and b are joined by a veth pair (192.168.77.1 <-> .2); the tunnel is 10.77.0.1 <-> .2.
# Namespace c holds the 300-peer interface.

PASSED=0
FAILED=0
CFG=/cfg
VERBOSE=$(cat /etc/verbose 2>/dev/null)

# Debian's static busybox sh prefers its own applets over PATH; its ip cannot do netns, veth or wireguard.
ip() { /usr/sbin/ip "$@"; }

step() {
    name=$1
    shift
    t0=$(date +%s)
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        [ "$VERBOSE" = 1 ] && printf '%s\n' "$out" | grep -v '^$' | sed 's/^/    | /' | tail -n 40
        echo "STEP $name: PASS ($(($(date +%s) - t0))s)"
    else
        FAILED=$((FAILED + 1))
        printf '%s\n' "$out" | sed 's/^/    | /' | tail -n 40
        detail=$(printf '%s\n' "$out" | grep -v '^$' | tail -n 3 | tr '\n' ' ' | cut -c1-400)
        echo "STEP $name: FAIL ${detail:-exit status $rc}"
    fi
}

# Every step runs in its own subshell, so failing ends just that step.
fail() {
    echo "$*"
    exit 1
}

# Polls CMD until it succeeds or SECONDS pass; the condition is observed, not slept for.
wait_for() {
    secs=$1
    shift
    end=$(($(date +%s) + secs))
    while ! "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        usleep 50000
    done
}

# wg's dump with the live columns (handshake, rx, tx) zeroed, allowed IPs sorted, peers sorted.
normdump() {
    awk -F '\t' 'BEGIN { OFS = "\t" }
        NR == 1 { print "I", $1, $2, $3, $4; next }
        {
            n = split($4, ips, ",")
            for (i = 2; i <= n; i++) { v = ips[i]; j = i - 1
                while (j > 0 && ips[j] > v) { ips[j + 1] = ips[j]; j-- }
                ips[j + 1] = v }
            s = ips[1]; for (i = 2; i <= n; i++) s = s "," ips[i]
            print "P", $1, $2, $3, s, $8
        }' | sort
}

# Compares `wg show IF dump` in namespace NS with the expected dump written on the host.
dump_matches() {
    ns=$1 ifname=$2 expected=$3
    ip netns exec "$ns" wg show "$ifname" dump >/tmp/actual.dump || fail "wg show $ifname dump failed in netns $ns"
    normdump <"$expected" >/tmp/expected.norm
    normdump </tmp/actual.dump >/tmp/actual.norm
    if ! diff /tmp/expected.norm /tmp/actual.norm >/tmp/dump.diff; then
        head -n 20 /tmp/dump.diff
        n=$(grep -c '^[-+]P' /tmp/dump.diff)
        fail "wg show $ifname dump in netns $ns differs from $(basename "$expected") ($n peer lines differ)"
    fi
}

is_kernel_wireguard() {
    ip -n "$1" -d link show "$2" | grep -q -E '^ +wireguard( |$)' ||
        fail "$2 in netns $1 is not a kernel wireguard link"
}

# --- harness -------------------------------------------------------------------------------------------

modules_loaded() {
    [ -z "$(cat /tmp/module-failures 2>/dev/null)" ] || fail "insmod failed: $(cat /tmp/module-failures)"
    for m in wireguard veth; do
        [ -d /sys/module/$m ] || fail "module $m is not loaded"
    done
    grep -q '^wireguard ' /proc/modules || fail "wireguard is not in /proc/modules"
}

no_userspace_backend() {
    found=$(find / -xdev -name 'wireguard-go*' 2>/dev/null)
    [ -z "$found" ] || fail "userspace WireGuard present in the initramfs: $found"
    ! command -v wireguard-go >/dev/null || fail "wireguard-go is on PATH"
}

topology() {
    for ns in a b c; do
        ip netns add $ns || return 1
        ip -n $ns link set lo up || return 1
    done
    ip link add va netns a type veth peer name vb netns b || return 1
    ip -n a addr add 192.168.77.1/24 dev va && ip -n a link set va up || return 1
    ip -n b addr add 192.168.77.2/24 dev vb && ip -n b link set vb up || return 1
    wait_for 10 ip netns exec a ping -c 1 -W 1 192.168.77.2 || fail "veth a->b does not answer ping"
}

# The package's own tests that take another path on a host without wireguard.ko (skip, or check only the
# missing-module error). SIGIL_REQUIRE_WIREGUARD_KERNEL=1 makes them fail instead of skipping if it were missing.
# The rest of KernelRouteTests does not depend on the module and runs on the host.
swift_kernel_tests() {
    [ -x /usr/bin/sigil-tests.xctest ] || fail "test binary not in the initramfs (SIGIL_TEST_BIN)"
    SIGIL_REQUIRE_WIREGUARD_KERNEL=1 NO_COLOR=1 TERM=dumb timeout 240 \
        /usr/bin/sigil-tests.xctest --testing-library swift-testing \
        --filter 'KernelBackendTests' --filter 'KernelRouteTests/(wireGuardLinkKind|genericFamilyResolution)' \
        >/tmp/swift-tests.out 2>&1
    rc=$?
    grep -E 'passed|failed|skipped|recorded an issue' /tmp/swift-tests.out | grep -v '^. Test .* started' | tail -n 30
    [ $rc -eq 0 ] || fail "swift-testing exited with status $rc"
    grep -q 'configureAndReadBackOnARealDevice() passed' /tmp/swift-tests.out ||
        fail "KernelBackendTests.configureAndReadBackOnARealDevice did not run and pass"
}

# --- the reference implementation: a minimal wg-quick made of ip(8) and wg(8) ----------------------------

ref_up() {
    ns=$1 conf=$2
    ifname=$(basename "$conf" .conf)
    grep -v -E '^(Address|DNS|MTU|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig) *=' "$conf" >/tmp/$ifname.wg
    if ! ip -n "$ns" link show "$ifname" >/dev/null 2>&1; then
        ip -n "$ns" link add "$ifname" type wireguard || return 1
        ip netns exec "$ns" wg setconf "$ifname" /tmp/$ifname.wg || return 1
    else
        ip netns exec "$ns" wg syncconf "$ifname" /tmp/$ifname.wg || return 1
    fi
    for a in $(sed -n 's/^Address *= *//p' "$conf" | tr ',' ' '); do
        ip -n "$ns" addr replace "$a" dev "$ifname" || return 1
    done
    ip -n "$ns" link set "$ifname" up
}

ref_down() {
    ip -n "$1" link del "$(basename "$2" .conf)"
}

# --- Sigil --------------------------------------------------------------------------------------------

# Runs sigil in namespace NS with a deadline, so a hang fails its step instead of the whole VM run.
sigil_in() {
    ns=$1
    shift
    timeout 120 /usr/sbin/ip netns exec "$ns" sigil "$@"
    rc=$?
    [ $rc -eq 143 ] && echo "sigil $* did not finish within 120 s"
    return $rc
}

# A step that needs a sigil subcommand fails honestly when the binary lacks it. (`--help` alone is not
# enough: argument-parser answers an unknown subcommand's --help with the parent's help and status 0.)
need_sigil() {
    command -v sigil >/dev/null || fail "sigil binary missing from the initramfs"
    sigil "$@" --help 2>&1 | grep -q "USAGE: sigil $*" || fail "sigil $* not available"
}

sigil_up() {
    need_sigil tunnel up || return 1
    sigil_in "$1" tunnel up "$2"
}

sigil_down() {
    need_sigil tunnel down || return 1
    sigil_in "$1" tunnel down "$2"
}

sigil_backend_kernel() {
    need_sigil wg show || return 1
    sigil_in a wg show >/tmp/sigil-wg-show 2>&1 || { cat /tmp/sigil-wg-show; fail "sigil wg show failed"; }
    cat /tmp/sigil-wg-show
    grep -q -i 'backend[": =]*kernel' /tmp/sigil-wg-show || fail "sigil wg show does not report backend kernel"
    ! grep -q -i 'backend[": =]*userspace' /tmp/sigil-wg-show || fail "sigil wg show reports a userspace backend"
    ! ls /run/wireguard/*.sock 2>/dev/null || fail "a userspace UAPI socket exists under /run/wireguard"
}

sigil_guard_accepts_tunnel() {
    need_sigil guard laddr || return 1
    sigil_in a guard laddr $CFG/node-tunnel.toml
}

sigil_guard_rejects_veth() {
    need_sigil guard laddr || return 1
    if sigil_in a guard laddr $CFG/node-veth.toml >/tmp/guard.out 2>&1; then
        cat /tmp/guard.out
        fail "sigil guard laddr accepted 192.168.77.1, which is on a veth, not a wireguard interface"
    fi
    cat /tmp/guard.out
    grep -q '192.168.77.1' /tmp/guard.out || fail "the refusal does not name the rejected address 192.168.77.1"
}

# --- checks shared by both passes ---------------------------------------------------------------------

up_both() {
    $1 a $CFG/wga.conf || fail "up wga in netns a failed"
    $1 b $CFG/wgb.conf || fail "up wgb in netns b failed"
    is_kernel_wireguard a wga && is_kernel_wireguard b wgb
}

tcp_over_tunnel() {
    token="sigil-kernel-$1-$$"
    rm -f /tmp/recv
    ip netns exec a nc -l -p 26659 >/tmp/recv 2>/dev/null </dev/null &
    listener=$!
    trap 'kill $listener 2>/dev/null' EXIT
    wait_for 10 sh -c "/usr/sbin/ip netns exec a netstat -ltn | grep -q ':26659 '" || fail "listener did not start"
    # 10.77.0.1 exists only on wga: the bytes can only arrive through the tunnel.
    ip -n b route get 10.77.0.1 | grep -q 'dev wgb' || fail "route to 10.77.0.1 in netns b is not via wgb"
    echo "$token" | ip netns exec b timeout 20 nc -w 10 10.77.0.1 26659 >/dev/null 2>&1 &
    wait_for 20 grep -q "$token" /tmp/recv ||
        fail "token did not cross the tunnel from b to 10.77.0.1:26659 (received: '$(cat /tmp/recv)')"
}

handshake_nonzero() {
    for x in a:wga b:wgb; do
        ns=${x%%:*} ifname=${x#*:}
        hs=$(ip netns exec "$ns" wg show "$ifname" latest-handshakes | awk '{ print $2 }')
        rx=$(ip netns exec "$ns" wg show "$ifname" transfer | awk '{ print $2 }')
        [ -n "$hs" ] && [ "$hs" -gt 0 ] || fail "latest handshake on $ifname is '$hs'"
        [ -n "$rx" ] && [ "$rx" -gt 0 ] || fail "no bytes received on $ifname"
        echo "$ifname handshake $hs rx $rx"
    done
}

# Re-applying the same config must not touch the live device: same ifindex, same handshake, same dump.
up_again_unchanged() {
    up=$1
    before_hs=$(ip netns exec a wg show wga latest-handshakes)
    before_idx=$(ip -n a -o link show wga | cut -d: -f1)
    again=$($up a $CFG/wga.conf 2>&1) || { echo "$again"; fail "second up of wga failed"; }
    echo "$again"
    # sigil reports each change it makes; a re-run must report none.
    if [ "$up" = sigil_up ] && [ "$again" != "wga: already up to date" ]; then
        fail "second sigil tunnel up reported changes: $(echo "$again" | tr '\n' ';')"
    fi
    after_hs=$(ip netns exec a wg show wga latest-handshakes)
    after_idx=$(ip -n a -o link show wga | cut -d: -f1)
    [ "$before_idx" = "$after_idx" ] || fail "wga was recreated (ifindex $before_idx -> $after_idx)"
    [ "$before_hs" = "$after_hs" ] || fail "handshake changed: '$before_hs' -> '$after_hs'"
    dump_matches a wga $CFG/wga.expected
}

many_peers() {
    $1 c $CFG/wgbig.conf || fail "up wgbig (300 peers) in netns c failed"
    is_kernel_wireguard c wgbig || return 1
    peers=$(ip netns exec c wg show wgbig dump | tail -n +2 | wc -l)
    ips=$(ip netns exec c wg show wgbig allowed-ips | awk '{ n += NF - 1 } END { print n }')
    echo "wgbig: $peers peers, $ips allowed IPs"
    [ "$peers" -eq 300 ] || fail "wg show wgbig dump has $peers peer lines, want 300"
    [ "$ips" -eq 600 ] || fail "wgbig has $ips allowed IPs, want 600"
    dump_matches c wgbig $CFG/wgbig.expected
    # A re-run diffs against the multi-part dump: a peer split across messages must not look changed.
    again=$($1 c $CFG/wgbig.conf 2>&1) || { echo "$again"; fail "second up of wgbig failed"; }
    if [ "$1" = sigil_up ] && [ "$again" != "wgbig: already up to date" ]; then
        fail "second sigil tunnel up of wgbig reported changes: $(echo "$again" | tr '\n' ';')"
    fi
    dump_matches c wgbig $CFG/wgbig.expected
}

down_all() {
    $1 a $CFG/wga.conf || fail "down wga failed"
    $1 b $CFG/wgb.conf || fail "down wgb failed"
    $1 c $CFG/wgbig.conf || fail "down wgbig failed"
    for x in a:wga b:wgb c:wgbig; do
        ! ip -n "${x%%:*}" link show "${x#*:}" >/dev/null 2>&1 || fail "${x#*:} still exists in netns ${x%%:*}"
    done
}

echo "kernel $(uname -r), wireguard module $(cat /sys/module/wireguard/version 2>/dev/null || echo missing)"

step modules-loaded modules_loaded
step no-userspace-backend no_userspace_backend
step topology topology
step swift-kernel-tests swift_kernel_tests

step ref-up up_both ref_up
step ref-dump-a dump_matches a wga $CFG/wga.expected
step ref-dump-b dump_matches b wgb $CFG/wgb.expected
step ref-tcp-over-tunnel tcp_over_tunnel ref
step ref-handshake handshake_nonzero
step ref-up-again-unchanged up_again_unchanged ref_up
step ref-300-peers many_peers ref_up
step ref-down down_all ref_down

step sigil-up up_both sigil_up
step sigil-backend-kernel sigil_backend_kernel
step sigil-dump-a dump_matches a wga $CFG/wga.expected
step sigil-dump-b dump_matches b wgb $CFG/wgb.expected
step sigil-tcp-over-tunnel tcp_over_tunnel sigil
step sigil-handshake handshake_nonzero
step sigil-up-again-unchanged up_again_unchanged sigil_up
step sigil-300-peers many_peers sigil_up
step sigil-guard-laddr-tunnel sigil_guard_accepts_tunnel
step sigil-guard-laddr-rejects-veth sigil_guard_rejects_veth
step sigil-down down_all sigil_down

echo "RESULT: $PASSED passed, $FAILED failed"
