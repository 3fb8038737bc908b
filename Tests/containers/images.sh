#!/usr/bin/env bash
# Builds the images the container stage runs, all locally (no registry is reachable from CI):
#   localhost/sigil-ci/bookworm:minbase  a debootstrap'ed bookworm root (minbase), standing in for debian:bookworm-slim
#   localhost/sigil-ci/swift:bookworm    that root plus what the Swift toolchain loads; the toolchain is mounted
#   sigil:latest                         the repository's Dockerfile, both stages, on those two bases
# The Swift packages this machine mirrors reach the build through a read-only volume and a gitconfig that points
# github.com at it; nothing is copied into the build context.
# Environment: SIGIL_SWIFT_TOOLCHAIN (default /opt/swift), SIGIL_SWIFT_PACKAGES (default /opt/swift-packages),
#              SIGIL_DEBIAN_MIRROR (default http://deb.debian.org/debian), SIGIL_CONTAINER_WORK (scratch directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
toolchain=${SIGIL_SWIFT_TOOLCHAIN:-/opt/swift}
packages=${SIGIL_SWIFT_PACKAGES:-/opt/swift-packages}
mirror=${SIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=${SIGIL_CONTAINER_WORK:?set SIGIL_CONTAINER_WORK to a scratch directory}
base=localhost/sigil-ci/bookworm:minbase
swift=localhost/sigil-ci/swift:bookworm

say() { echo "container-stage: $*"; }
[ -x "$toolchain/usr/bin/swift" ] || { echo "container-stage: error: no Swift toolchain at $toolchain" >&2; exit 1; }
[ -d "$packages" ] || { echo "container-stage: error: no Swift package mirror at $packages" >&2; exit 1; }

if ! podman image exists "$base"; then
    say "debootstrap bookworm (minbase) into $work/rootfs"
    rm -rf "$work/rootfs"
    debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
    rm -rf "$work/rootfs"
fi
if ! podman image exists "$swift"; then
    say "building $swift"
    podman build --quiet --network host --build-arg BASE_IMAGE="$base" -t "$swift" \
        -f "$here/swift-base.Containerfile" "$here" >/dev/null
fi

# SwiftPM clones https://github.com/OWNER/NAME; inside the build these come from the mounted mirror.
printf '[url "%s/"]\n\tinsteadOf = https://github.com/\n' "/opt/swift-packages" > "$work/gitconfig"
# Build volumes apply to every RUN of every stage and leave their empty mount points behind, so only the build
# stage gets them; the second build takes that stage from the cache and makes the runtime stage without them.
say "building sigil:latest from the Dockerfile (build stage, then runtime stage)"
podman build --network host --target build \
    --build-arg SWIFT_IMAGE="$swift" --build-arg RUNTIME_IMAGE="$base" \
    -v "$toolchain:/opt/swift:ro" -v "$packages:/opt/swift-packages:ro" -v "$work/gitconfig:/etc/gitconfig:ro" \
    -t localhost/sigil-ci/build:latest -f "$repo/Dockerfile" "$repo" > "$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log" >&2; exit 1; }
podman build --network host --build-arg SWIFT_IMAGE="$swift" --build-arg RUNTIME_IMAGE="$base" \
    -t sigil:latest -f "$repo/Dockerfile" "$repo" > "$work/runtime.log" 2>&1 || { tail -40 "$work/runtime.log" >&2; exit 1; }
podman rmi localhost/sigil-ci/build:latest >/dev/null
podman image prune -f >/dev/null
