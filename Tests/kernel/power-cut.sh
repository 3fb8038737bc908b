#!/usr/bin/env bash
# Power-cut campaign: `sigil start` runs in a qemu VM with its state on an ext4 virtio disk and signs for a
# validator-side peer on the host (PowerCutTests, over qemu user networking: the guest dials 10.0.2.2:PORT).
# The host SIGKILLs qemu at random moments, boots again from the same disk image, and checks that no two
# signatures it ever received conflict. See Docs/reliability.md.
#
# Usage: Tests/kernel/power-cut.sh [--unsafe-skip-fsync] [CUTS]
#   CUTS                 how many times to pull the plug (default 6)
#   --unsafe-skip-fsync  boot the signer with SIGIL_TEST_UNSAFE_SKIP_FSYNC=1 and REQUIRE a conflict within CUTS
#                        cuts (stops at the first): proof that the campaign catches a state write without fsync
# Environment: SIGIL_BIN (sigil to boot; default the debug build), SIGIL_TEST_BIN (test bundle with the peer;
#   default that build's *PackageTests.xctest), SIGIL_POWERCUT_SEED (replay a run), SIGIL_POWERCUT_OUT (where
#   the peer's log and the last serial console go; default Tests/kernel/out),
#   SIGIL_QEMU_ACCEL (default tcg), SIGIL_KERNEL_VERSION (default the newest /boot/vmlinuz-* with ext4.ko).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mode=safe
if [ "${1:-}" = "--unsafe-skip-fsync" ]; then mode=unsafe; shift; fi
cuts=${1:-6}
case $cuts in '' | *[!0-9]*) echo "power-cut: error: CUTS must be a number, got \`$cuts'" >&2; exit 2 ;; esac

say() { echo "power-cut: $*"; }
die() {
    echo "power-cut: error: $1" >&2
    [ -n "${2:-}" ] && echo "power-cut: fix: $2" >&2
    exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found" "apt-get install -y $2"; }
need qemu-system-x86_64 qemu-system-x86
need mkfs.ext4 e2fsprogs
need cpio cpio
need modinfo kmod
[ -x /usr/sbin/ip ] || die "/usr/sbin/ip (iproute2) not found" "apt-get install -y iproute2"
[ -x /bin/busybox ] || die "/bin/busybox not found" "apt-get install -y busybox-static"

if [ -n "${SIGIL_KERNEL_VERSION:-}" ]; then
    kver=$SIGIL_KERNEL_VERSION
else
    kver=$(for img in /boot/vmlinuz-*; do
        v=${img#/boot/vmlinuz-}
        modinfo -k "$v" -n ext4 >/dev/null 2>&1 && echo "$v"
    done | sort -V | tail -n 1)
fi
[ -n "$kver" ] && [ -r "/boot/vmlinuz-$kver" ] ||
    die "no readable Debian kernel image under /boot with ext4.ko" "apt-get install -y linux-image-amd64 (as root)"

if [ -z "${SIGIL_BIN:-}" ] || [ -z "${SIGIL_TEST_BIN:-}" ]; then
    bin_dir=$(cd "$repo" && swift build --show-bin-path)
fi
SIGIL_BIN=${SIGIL_BIN:-$bin_dir/sigil}
[ -x "$SIGIL_BIN" ] || die "sigil binary $SIGIL_BIN not found" "swift build --build-tests"
# The host peer is PowerCutTests in the test bundle, run directly: `swift test` would hold SwiftPM's build lock
# for the whole campaign.
SIGIL_TEST_BIN=${SIGIL_TEST_BIN:-$(ls -d "$bin_dir"/*PackageTests.xctest 2>/dev/null | head -n 1)}
[ -x "$SIGIL_TEST_BIN" ] ||
    die "test bundle ${SIGIL_TEST_BIN:-*PackageTests.xctest} not found" "swift build --build-tests"

work=$(mktemp -d /tmp/sigil-powercut.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/root"
. "$here/initramfs.sh"
install_busybox
copy_program /usr/sbin/ip /usr/sbin/ip
copy_program "$SIGIL_BIN" /usr/bin/sigil
declare -A seen=()
order=()
# ext4 asks the crypto API for crc32c at mount; with no modprobe in the VM it must already be loaded.
for m in crc32c_generic virtio_pci virtio_blk virtio_net ext4; do add_module "$m"; done
printf '%s\n' "${order[@]}" >"$root/etc/modules.order"
install -m 0755 "$here/powercut-init.sh" "$root/init"

# Keys and config, made on the host with sigil itself; the state lives on the disk image, not in the initramfs.
chain=powercut-chain
"$SIGIL_BIN" init "$work/home" >/dev/null
"$SIGIL_BIN" softsign keygen "$root/cfg/consensus.key" >/dev/null
install -m 0600 "$work/home/secrets/kms-identity.key" "$root/cfg/kms-identity.key"
cat >"$root/cfg/tmkms.toml.in" <<TOML
[[chain]]
id = "$chain"
key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
state_file = "/state/$chain-consensus.json"

[[providers.softsign]]
chain_ids = ["$chain"]
key_type = "consensus"
path = "/cfg/consensus.key"

[[validator]]
chain_id = "$chain"
addr = "tcp://10.0.2.2:@PORT@"
secret_key = "/cfg/kms-identity.key"
protocol_version = "v0.37"
reconnect = true
TOML
# Software emulation unpacks the initramfs at a few MB/s of gzip: strip the copies and leave it uncompressed.
if command -v strip >/dev/null 2>&1; then
    find "$root/usr" "$root/lib" "$root/lib64" -type f \( -name '*.so*' -o -perm -u+x \) 2>/dev/null |
        xargs -r strip --strip-unneeded 2>/dev/null || true
fi
initrd="$work/initrd.cpio"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$initrd"

# The state disk: ext4 holding CometBFT's initial state file, made from a directory (no loop mount needed).
mkdir -p "$work/statefs"
printf '{\n  "height": "0",\n  "round": 0,\n  "step": 0\n}\n' >"$work/statefs/$chain-consensus.json"
chmod 0600 "$work/statefs/$chain-consensus.json"
truncate -s 64M "$work/state.img"
mkfs.ext4 -q -F -d "$work/statefs" "$work/state.img"

say "kernel $kver, modules: ${order[*]}; initramfs $(du -h "$initrd" | cut -f1); $cuts cuts, mode $mode"
cd "$repo"
out=${SIGIL_POWERCUT_OUT:-$here/out}
mkdir -p "$out"
log="$out/powercut-$mode.log"
set +e
SIGIL_POWERCUT_KERNEL="/boot/vmlinuz-$kver" SIGIL_POWERCUT_INITRD="$initrd" SIGIL_POWERCUT_DISK="$work/state.img" \
    SIGIL_POWERCUT_CHAIN="$chain" SIGIL_POWERCUT_CUTS="$cuts" SIGIL_POWERCUT_MODE="$mode" \
    SIGIL_POWERCUT_SERIAL="$out/powercut-$mode-serial.log" \
    "$SIGIL_TEST_BIN" --testing-library swift-testing --filter PowerCutTests >"$log" 2>&1
status=$?
set -e
grep -a -E '^power-cut' "$log" || true
if [ "$status" -ne 0 ]; then
    grep -a -E '✘|recorded an issue|error:' "$log" | head -n 40 >&2 || true
    say "$mode campaign FAILED (exit $status); log: $log, last serial console: $out/powercut-$mode-serial.log"
    exit 1
fi
say "$mode campaign passed"
