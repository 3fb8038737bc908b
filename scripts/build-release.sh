#!/usr/bin/env bash
# The release build as shipped: the Dockerfile, Docs/operator-guide.md, scripts/bench.sh and scripts/profile.sh all
# build `sigil` this way (extra arguments go to `swift build`). Each flag is there for the signer's resident memory
# (Docs/performance.md, "Memory"):
#   --static-swift-stdlib         the Swift runtime and Foundation linked in: only the pages the signer touches load,
#                                 not the start-up pages of fourteen shared libraries;
#   lld, pack-relative-relocs     relative relocations packed (DT_RELR, glibc 2.36+), so start-up does not read
#                                 about 2 MB of relocation entries;
#   symbol ordering               the functions a signer runs (scripts/release-link-order.txt, made by
#                                 scripts/gen-link-order.sh) placed together, so the kernel maps fewer pages of code
#                                 around them. A stale or missing name only leaves that function where it was.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build system does not see the ordering file change: link again each time (a few seconds).
rm -f "$(swift build -c release --show-bin-path)/sigil"
swift build -c release --product sigil --static-swift-stdlib \
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld \
    -Xlinker -z -Xlinker pack-relative-relocs \
    -Xlinker --symbol-ordering-file="$PWD/scripts/release-link-order.txt" -Xlinker --no-warn-symbol-ordering \
    "$@"
