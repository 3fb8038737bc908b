#!/usr/bin/env bash
# Writes the wg-quick configs the in-VM steps apply, and what `wg show <if> dump` must say afterwards.
# Keys come from the host's wg(8), so the expectations do not depend on the code under test.
# Usage: make-configs.sh OUTDIR
set -euo pipefail
out=${1:?usage: make-configs.sh OUTDIR}
mkdir -p "$out"
umask 077

genkey() { wg genkey; }
pub() { printf '%s\n' "$1" | wg pubkey; }

a_key=$(genkey); a_pub=$(pub "$a_key")
b_key=$(genkey); b_pub=$(pub "$b_key")
psk=$(wg genpsk)

# Node A: 10.77.0.1 on the tunnel, 192.168.77.1 on the veth; keepalive set. Node B: no keepalive.
cat >"$out/wga.conf" <<EOF
[Interface]
PrivateKey = $a_key
ListenPort = 51820
Address = 10.77.0.1/24

[Peer]
PublicKey = $b_pub
PresharedKey = $psk
Endpoint = 192.168.77.2:51821
AllowedIPs = 10.77.0.2/32, fd00:77::2/128
PersistentKeepalive = 25
EOF

cat >"$out/wgb.conf" <<EOF
[Interface]
PrivateKey = $b_key
ListenPort = 51821
Address = 10.77.0.2/24

[Peer]
PublicKey = $a_pub
PresharedKey = $psk
Endpoint = 192.168.77.1:51820
AllowedIPs = 10.77.0.1/32, fd00:77::1/128
EOF

# Expected dumps, in wg's dump column order; handshake and byte counters are not compared.
printf '%s\t%s\t51820\toff\n' "$a_key" "$a_pub" >"$out/wga.expected"
printf '%s\t%s\t192.168.77.2:51821\t10.77.0.2/32,fd00:77::2/128\t0\t0\t0\t25\n' "$b_pub" "$psk" >>"$out/wga.expected"
printf '%s\t%s\t51821\toff\n' "$b_key" "$b_pub" >"$out/wgb.expected"
printf '%s\t%s\t192.168.77.1:51820\t10.77.0.1/32,fd00:77::1/128\t0\t0\t0\toff\n' "$a_pub" "$psk" >>"$out/wgb.expected"

# 300 peers, two allowed IPs each (600 in all): far more than one netlink message holds, in either direction.
big_key=$(genkey); big_pub=$(pub "$big_key")
{
    printf '[Interface]\nPrivateKey = %s\nListenPort = 51900\nAddress = 10.78.0.1/16\n' "$big_key"
} >"$out/wgbig.conf"
printf '%s\t%s\t51900\toff\n' "$big_key" "$big_pub" >"$out/wgbig.expected"
for i in $(seq 1 300); do
    k=$(pub "$(genkey)")
    v4="10.78.$((i / 250)).$((i % 250 + 2))/32"
    v6="fd00:78::$(printf '%x' "$((i + 1))")/128"
    printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = %s, %s\n' "$k" "$v4" "$v6" >>"$out/wgbig.conf"
    printf '%s\t(none)\t(none)\t%s,%s\t0\t0\t0\toff\n' "$k" "$v4" "$v6" >>"$out/wgbig.expected"
done

# CometBFT node configs for `sigil guard laddr`: one on the tunnel address, one on the veth (not a tunnel).
# priv_validator_laddr is a top-level key of CometBFT's config.toml, before the first table.
for n in tunnel:10.77.0.1 veth:192.168.77.1; do
    printf 'moniker = "kernel-test"\npriv_validator_laddr = "tcp://%s:26659"\n\n[rpc]\n%s\n' \
        "${n#*:}" 'laddr = "tcp://127.0.0.1:26657"' >"$out/node-${n%%:*}.toml"
done
