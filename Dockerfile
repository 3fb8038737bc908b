# syntax=docker/dockerfile:1
# Sigil: built with Swift on Debian bookworm, run on bookworm-slim.
#   docker build -t sigil:latest .
# One image for every job: by default it runs the signer as the non-root user `sigil`; the tunnel service runs
# the same image as root with NET_ADMIN only (see compose/validator and compose/signer), and `sigil testnode`
# plays a validator for tests (compose/dev).
# Base images can be replaced (a local mirror, an air-gapped build):
#   --build-arg SWIFT_IMAGE=... --build-arg RUNTIME_IMAGE=...
ARG SWIFT_IMAGE=swift:6.0-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsodium-dev libmnl-dev libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest declares the test targets too, so their folders must be present for it to load.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY scripts/build-release.sh scripts/release-link-order.txt ./scripts/
# The Swift runtime and Foundation are linked in, so the runtime image needs only the C libraries; the script's
# linker flags keep the signer's resident memory down (Docs/performance.md).
RUN scripts/build-release.sh \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/sigil" /out/sigil

FROM ${RUNTIME_IMAGE} AS runtime
# libsodium and libmnl are linked dynamically, libcurl (etcd's JSON gateway, over Debian's OpenSSL) is loaded only
# when a chain keeps its state in etcd; wireguard-go is
# the userspace tunnel where the host has no WireGuard module; nftables loads the tunnel's own rules inside its
# network namespace, and netbase gives nft the /etc/protocols it resolves names like ipv6-icmp with (slim images
# lack it). No ca-certificates: the only TLS Sigil speaks is to etcd, verified against the config's own ca_file.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsodium23 libmnl0 libcurl4 wireguard-go nftables netbase \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 sigil \
    && useradd --system --uid 10001 --gid sigil --home-dir /var/lib/sigil --shell /usr/sbin/nologin sigil \
    && install -d -m 0755 /etc/sigil \
    && install -d -o sigil -g sigil -m 0700 /etc/sigil/state
COPY --from=build /out/sigil /usr/local/bin/sigil
USER sigil
WORKDIR /etc/sigil
ENTRYPOINT ["/usr/local/bin/sigil"]
CMD ["start", "-c", "/etc/sigil/tmkms.toml"]
