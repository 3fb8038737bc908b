#!/usr/bin/env bash
# Shared by run-qemu.sh (kernel stage) and power-cut.sh: builds a throw-away initramfs tree in "$root" from the
# host's static busybox, dynamically linked programs with their libraries, and kernel modules of "$kver".
# The caller defines die() and need() and sets root and kver; this file only defines functions.

# Copies a dynamically linked program and every library ldd resolves for it, at the same paths.
copy_program() {
    local src=$1 dst=$2 libs lib
    install -D -m 0755 "$src" "$root$dst"
    libs=$(ldd "$src") || die "ldd $src failed"
    if grep -q 'not found' <<<"$libs"; then
        die "$src needs a library that is not installed: $(grep 'not found' <<<"$libs" | tr -s ' \t' ' ')"
    fi
    for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs"); do
        [ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
}

# The initramfs skeleton with busybox and its applet links (busybox's ip is left out: iproute2's is copied).
install_busybox() {
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/modules,etc,proc,sys,dev,tmp,run,root,cfg}
    mkdir -p "$root/var" && ln -sfn /run "$root/var/run"
    install -m 0755 /bin/busybox "$root/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        case $applet in busybox | ip) continue ;; esac
        ln -s busybox "$root/bin/$applet"
    done
}

# Adds a module and everything `modinfo -F depends` pulls in, dependencies first, to $root/lib/modules and to
# the `order` array (the caller declares `declare -A seen=(); order=()`).
add_module() {
    local name=$1 file dep deps
    [ -n "${seen[$name]:-}" ] && return 0
    seen[$name]=1
    file=$(modinfo -k "$kver" -n "$name" 2>/dev/null) ||
        die "kernel $kver has no module $name" "apt-get install -y linux-image-$kver"
    [ "$file" = "(builtin)" ] && return 0
    deps=$(modinfo -k "$kver" -F depends "$name")
    for dep in ${deps//,/ }; do
        add_module "$dep"
    done
    local base
    base=$(basename "$file")
    base=${base%%.ko*}
    case $file in
        *.ko) cp "$file" "$root/lib/modules/$base.ko" ;;
        *.ko.xz) need xz xz-utils; xz -dc "$file" >"$root/lib/modules/$base.ko" ;;
        *.ko.zst) need zstd zstd; zstd -qdc "$file" >"$root/lib/modules/$base.ko" ;;
        *.ko.gz) gzip -dc "$file" >"$root/lib/modules/$base.ko" ;;
        *) die "unknown module format: $file" ;;
    esac
    order+=("$base")
}

# Packs $root into a gzip'd newc cpio archive.
pack_initramfs() {
    (cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$1"
}
