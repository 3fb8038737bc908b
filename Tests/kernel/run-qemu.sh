#!/usr/bin/env bash
# Kernel stage: boots the installed Debian kernel under qemu with a throw-away initramfs (busybox-static,
# iproute2's ip, wg, sigil, wireguard.ko and veth.ko with their dependencies) and runs Tests/kernel/steps.sh
# inside it against the real kernel WireGuard implementation. See Docs/kernel-test.md.
#
# Environment:
#   SIGIL_BIN             sigil binary to test (default: the debug build from `swift build --build-tests`)
#   SIGIL_TEST_BIN        test bundle to run in the VM (default: the *PackageTests.xctest of that build; with
#                         SIGIL_BIN set and this unset, the swift-kernel-tests step fails as not provided)
#   SIGIL_KERNEL_VERSION  kernel under /boot to boot (default: newest one that ships wireguard.ko)
#   SIGIL_KERNEL_TIMEOUT  seconds before the VM is killed (default 480)
#   SIGIL_QEMU_ACCEL      qemu accelerator (default tcg; CI machines have no usable KVM)
#   SIGIL_KERNEL_VERBOSE  1: print every step's output, not only the failing ones
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$here/out"
timeout_s=${SIGIL_KERNEL_TIMEOUT:-480}
accel=${SIGIL_QEMU_ACCEL:-tcg}

say() { echo "kernel-stage: $*"; }
die() {
    echo "kernel-stage: error: $1" >&2
    [ -n "${2:-}" ] && echo "kernel-stage: fix: $2" >&2
    echo "kernel-stage: 0 passed, 1 failed"
    exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found" "apt-get install -y $2"; }

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need gzip gzip
need modinfo kmod
need ldd libc-bin
need timeout coreutils
need wg wireguard-tools
[ -x /usr/sbin/ip ] || die "/usr/sbin/ip (iproute2) not found" "apt-get install -y iproute2"
[ -x /bin/busybox ] || die "/bin/busybox not found" "apt-get install -y busybox-static"
if ldd /bin/busybox >/dev/null 2>&1; then
    die "/bin/busybox is dynamically linked; the initramfs has no libc for it" "apt-get install -y busybox-static"
fi

# The kernel: newest /boot/vmlinuz-* whose module tree has wireguard.ko (or the one asked for).
kernels=()
for img in /boot/vmlinuz-*; do
    [ -e "$img" ] || continue
    v=${img#/boot/vmlinuz-}
    [ -f "/usr/lib/modules/$v/modules.dep" ] || continue
    modinfo -k "$v" -n wireguard >/dev/null 2>&1 && kernels+=("$v")
done
if [ -n "${SIGIL_KERNEL_VERSION:-}" ]; then
    kver=$SIGIL_KERNEL_VERSION
    [ -r "/boot/vmlinuz-$kver" ] || die "no kernel image /boot/vmlinuz-$kver" "apt-get install -y linux-image-$kver"
    modinfo -k "$kver" -n wireguard >/dev/null 2>&1 ||
        die "kernel $kver has no wireguard.ko under /usr/lib/modules/$kver" "apt-get install -y linux-image-$kver"
else
    [ ${#kernels[@]} -gt 0 ] ||
        die "no Debian kernel image under /boot with wireguard.ko in /usr/lib/modules/<version>" \
            "apt-get install -y linux-image-amd64"
    kver=$(printf '%s\n' "${kernels[@]}" | sort -V | tail -n 1)
fi
[ -r "/boot/vmlinuz-$kver" ] || die "/boot/vmlinuz-$kver is not readable" "run as root"

# The binaries under test: sigil, and the test bundle whose real-kernel suites (KernelBackendTests,
# KernelRouteTests) skip on a host without wireguard.ko. scripts/test.sh has already built both (debug), so
# this build is a no-op there; their Swift runtime libraries are copied in like any other shared library.
if [ -z "${SIGIL_BIN:-}" ]; then
    say "building sigil and the tests (swift build --build-tests)"
    mkdir -p "$out"
    (cd "$repo" && swift build --build-tests >"$out/build.log" 2>&1) || {
        grep -E 'error' "$out/build.log" | head -n 20 >&2
        die "swift build --build-tests failed (log: $out/build.log)" "fix the build errors above"
    }
    bin_dir=$(cd "$repo" && swift build --show-bin-path)
    SIGIL_BIN="$bin_dir/sigil"
    SIGIL_TEST_BIN=${SIGIL_TEST_BIN:-$(ls -d "$bin_dir"/*PackageTests.xctest 2>/dev/null | head -n 1)}
fi
[ -x "$SIGIL_BIN" ] || die "sigil binary $SIGIL_BIN not found" "build it with 'swift build --product sigil'"
if [ -n "${SIGIL_TEST_BIN:-}" ] && [ ! -x "$SIGIL_TEST_BIN" ]; then
    die "test binary $SIGIL_TEST_BIN not found" "build it with 'swift build --build-tests'"
fi

work=$(mktemp -d /tmp/sigil-kernel.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/root"
. "$here/initramfs.sh"
install_busybox
copy_program /usr/sbin/ip /usr/sbin/ip
copy_program "$(command -v wg)" /usr/bin/wg
copy_program "$SIGIL_BIN" /usr/bin/sigil
[ -n "${SIGIL_TEST_BIN:-}" ] && copy_program "$SIGIL_TEST_BIN" /usr/bin/sigil-tests.xctest

# Modules: wireguard and veth plus everything `modinfo -F depends` pulls in, dependencies first.
declare -A seen=()
order=()
add_module wireguard
add_module veth
printf '%s\n' "${order[@]}" >"$root/etc/modules.order"

"$here/make-configs.sh" "$root/cfg"
install -m 0755 "$here/init.sh" "$root/init"
install -m 0755 "$here/steps.sh" "$root/steps.sh"
echo "${SIGIL_KERNEL_VERBOSE:-0}" >"$root/etc/verbose"

initrd="$work/initrd.gz"
pack_initramfs "$initrd"
say "kernel $kver, modules: ${order[*]}"
say "initramfs $(du -h "$initrd" | cut -f1) with $SIGIL_BIN ${SIGIL_TEST_BIN:-(no test binary)}"
say "booting (accel $accel, timeout ${timeout_s}s)"

mkdir -p "$out"
log="$out/serial.log"
start=$(date +%s)
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 -machine accel="$accel" -m 1536 -nographic -no-reboot -nic none \
    -kernel "/boot/vmlinuz-$kver" -initrd "$initrd" -append "console=ttyS0 panic=-1 quiet" \
    </dev/null >"$log" 2>&1
qemu_rc=$?
set -e
say "VM ran $(($(date +%s) - start))s (qemu exit $qemu_rc); serial log: $log"

tr -d '\r' <"$log" | grep -a -E '^(STEP |    \| |kernel |STEPS )' || true
result=$(tr -d '\r' <"$log" | grep -a -E '^RESULT: [0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
passed=$(tr -d '\r' <"$log" | grep -a -c -E '^STEP [^ ]+: PASS' || true)
failed=$(tr -d '\r' <"$log" | grep -a -c -E '^STEP [^ ]+: FAIL' || true)
if [ -z "$result" ]; then
    [ "$qemu_rc" -eq 124 ] && why="killed after ${timeout_s}s" || why="qemu exited with $qemu_rc"
    echo "kernel-stage: error: no RESULT line on the serial console ($why); last lines:" >&2
    tr -d '\r' <"$log" | tail -n 30 >&2
    echo "kernel-stage: $passed passed, $((failed + 1)) failed"
    exit 1
fi
echo "$result"
echo "kernel-stage: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
