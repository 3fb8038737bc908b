#!/usr/bin/env bash
# Installs the Debian packages Sigil needs (as root), or says exactly which to install.
# Usage: scripts/deps.sh build|test
set -euo pipefail
build_pkgs=(libsodium-dev libmnl-dev libcurl4-openssl-dev pkg-config)
test_pkgs=(wireguard-go wireguard-tools nftables iptables ufw iproute2 python3-jsonschema python3-yaml
           qemu-system-x86 linux-image-amd64 busybox-static kmod cpio xz-utils prometheus tmux strace e2fsprogs
           systemd  # systemd-analyze verify for the units (Tests/FirewallTests, Docs/production.md)
           podman runc catatonit golang-github-containernetworking-plugin-dnsname debootstrap python3-venv
           python3-cryptography  # the container stage (Tests/containers)
           etcd-server etcd-client openssl python3)  # etcd state backend: scripts/etcd-cluster.sh, HA tests
case "${1:-build}" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test)  pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: scripts/deps.sh build|test" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "==> installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "error: missing Debian packages: ${missing[*]}" >&2
  echo "fix: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
