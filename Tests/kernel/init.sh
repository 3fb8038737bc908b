#!/bin/sh
# /init of the test initramfs: mount the pseudo filesystems, load the kernel modules in dependency order
# (written by run-qemu.sh to /etc/modules.order), run the steps, power off. Output goes to the serial console.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/netns /root
ip link set lo up

: >/tmp/module-failures
while read -r m; do
    insmod "/lib/modules/$m.ko" 2>/tmp/insmod.err || echo "$m: $(cat /tmp/insmod.err)" >>/tmp/module-failures
done </etc/modules.order

echo; echo "STEPS BEGIN at $(cut -d' ' -f1 /proc/uptime)s uptime"
sh /steps.sh
echo "STEPS END at $(cut -d' ' -f1 /proc/uptime)s uptime"
sync
poweroff -f
