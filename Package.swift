// swift-tools-version:6.0
import PackageDescription

// One target per concern. C libraries sit at the edge behind [system] module maps;
// everything between them and the `sigil` executable is plain Swift.
let package = Package(
    name: "Sigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sigil", targets: ["SigilCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C boundary
        .systemLibrary(
            name: "CSodium", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"]), .yum(["libsodium-devel"]), .brew(["libsodium"])]),
        .systemLibrary(
            name: "CMnl", pkgConfig: "libmnl",
            providers: [.apt(["libmnl-dev"]), .yum(["libmnl-devel"])]),
        // etcd's v3 JSON gateway over HTTPS (OpenSSL underneath): libcurl's headers at build time
        // (libcurl4-openssl-dev); the library itself is loaded with dlopen only when an etcd backend is configured.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),

        // Pure cores and thin shells
        .target(name: "SigilCrypto", dependencies: ["CSodium"]),
        .target(name: "Merlin"),
        .target(name: "TOML"),
        .target(name: "Privval"),
        .target(name: "Sockets"),
        .target(name: "KeyFormats", dependencies: ["SigilCrypto"]),
        .target(name: "SecretConnection", dependencies: ["SigilCrypto", "Merlin", "Sockets"]),
        .target(name: "SignerConfig", dependencies: ["TOML", "KeyFormats", "SigilCrypto", "Sockets"]),
        .target(name: "SignerState", dependencies: ["SigilCrypto"]),
        // The etcd v3 client (its JSON gateway through libcurl) and the shared watermark.
        .target(name: "Etcd", dependencies: ["SignerState", "SignerConfig", "CCurl"]),
        .target(
            name: "Signer",
            dependencies: [
                "SignerConfig", "SignerState", "Etcd",
                "SigilCrypto", "Privval", "SecretConnection", "KeyFormats", "Sockets", "TunnelGuard",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Telemetry",
            dependencies: [
                "Signer", "SignerConfig", "SignerState", "Sockets", "WireGuard", "Etcd",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "ValidatorPeer", dependencies: ["Privval", "SecretConnection", "SigilCrypto", "Sockets"]),
        .target(name: "Netlink", dependencies: ["CMnl", "Sockets"]),
        .target(name: "WireGuard", dependencies: ["Netlink", "SigilCrypto", "Sockets", "KeyFormats"]),
        .target(name: "TunnelGuard", dependencies: ["WireGuard", "Netlink", "Sockets", "TOML"]),
        .target(name: "Firewall", dependencies: ["Sockets"]),
        .target(name: "Provisioning", dependencies: ["WireGuard", "Firewall", "KeyFormats", "SigilCrypto", "SignerConfig"]),
        .executableTarget(
            name: "SigilCLI",
            dependencies: [
                "SigilCrypto", "KeyFormats", "SecretConnection", "Privval", "Signer", "SignerConfig", "SignerState",
                "ValidatorPeer", "Telemetry", "Etcd",
                "Netlink", "WireGuard", "TunnelGuard", "Firewall", "Provisioning", "Sockets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SigilCryptoTests", dependencies: ["SigilCrypto", "TestSupport"]),
        .testTarget(name: "MerlinTests", dependencies: ["Merlin", "TestSupport"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "PrivvalTests", dependencies: ["Privval", "SigilCrypto", "TestSupport"]),
        .testTarget(name: "KeyFormatsTests", dependencies: ["KeyFormats", "SigilCrypto", "TestSupport"]),
        .testTarget(name: "SecretConnectionTests", dependencies: ["SecretConnection", "SigilCrypto", "Merlin", "TestSupport"]),
        .testTarget(
            name: "SignerTests",
            dependencies: ["Signer", "SignerConfig", "SignerState", "Privval", "SigilCrypto", "KeyFormats", "TestSupport"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "TestSupport"]),
        .testTarget(name: "WireGuardTests", dependencies: ["WireGuard", "TunnelGuard", "Netlink", "SigilCrypto", "TestSupport"]),
        .testTarget(name: "FirewallTests", dependencies: ["Firewall", "TestSupport"], exclude: ["Golden"]),
        .testTarget(
            name: "ProvisioningTests", dependencies: ["Provisioning", "WireGuard", "Firewall", "SignerConfig", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "EtcdTests",
            dependencies: [
                "Etcd", "CCurl", "SignerConfig", "SignerState", "ValidatorPeer", "Privval", "KeyFormats", "SigilCrypto",
                "TestSupport",
            ]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ValidatorPeer", "Privval", "SecretConnection", "SigilCrypto", "KeyFormats", "Sockets", "Netlink",
                "TestSupport",
            ]),
    ]
)
