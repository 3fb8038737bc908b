#!/bin/sh
# /init of the power-cut VM (Tests/kernel/power-cut.sh): load the modules, bring up qemu's user network
# (the host is 10.0.2.2), mount the state disk (ext4 on /dev/vda, default options: data=ordered, 5 s commit),
# and run `sigil start`, which dials the host's validator-side peer. The host pulls the plug (SIGKILL to qemu)
# whenever it likes; nothing here shuts down cleanly on purpose.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
while read -r m; do
    insmod "/lib/modules/$m.ko" || echo "POWERCUT insmod $m failed"
done </etc/modules.order
ip() { /usr/sbin/ip "$@"; }
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2

port=$(sed -n 's/.*sigil_port=\([0-9]*\).*/\1/p' /proc/cmdline)
grep -q 'sigil_unsafe=1' /proc/cmdline && export SIGIL_TEST_UNSAFE_SKIP_FSYNC=1
mkdir -p /state
mount -t ext4 /dev/vda /state || { echo "POWERCUT mount failed"; poweroff -f; }
sed "s/@PORT@/$port/" /cfg/tmkms.toml.in >/tmp/tmkms.toml
state=$(cat /state/*.json | tr -d ' \n' | cut -c1-60)
echo "POWERCUT booted at $(cut -d' ' -f1 /proc/uptime)s uptime, peer 10.0.2.2:$port, state: $state"
sigil start -c /tmp/tmkms.toml
echo "POWERCUT sigil exited with status $?"
poweroff -f
