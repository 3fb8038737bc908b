import Foundation
import Glibc
import Netlink
import Sockets
import TestSupport
import Testing

@testable import WireGuard

private let isRoot = getuid() == 0 || Vectors.isCI
private let hasModule = FileManager.default.fileExists(atPath: "/sys/module/wireguard")
/// The qemu job that boots a kernel with wireguard.ko sets this so a missing module fails instead of skipping.
private let requireModule = ProcessInfo.processInfo.environment["SIGIL_REQUIRE_WIREGUARD_KERNEL"] == "1"

private func inFreshNamespace<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    let name = "sigil-nl-\(UInt32.random(in: 0...UInt32.max))"
    let (status, output) = try run("/usr/sbin/ip", ["netns", "add", name])
    try #require(status == 0, "ip netns add \(name): \(output)")
    defer { _ = try? run("/usr/sbin/ip", ["netns", "delete", name]) }
    return try NetworkNamespace.run(path: "/var/run/netns/\(name)", body)
}

/// Real kernel, real genl. Without wireguard.ko only the fallback signal can be checked.
@Suite(.enabled(if: isRoot, "needs root for network namespaces"))
struct KernelBackendTests {
    @Test(.enabled(if: !hasModule && !requireModule))
    func withoutTheModuleTheBackendSaysSo() throws {
        try inFreshNamespace {
            #expect(KernelBackend.isAvailable() == false)
            let e = #expect(throws: NetlinkError.self) { try KernelBackend().device(named: "wg0") }
            #expect(e?.code == .familyNotFound)
            #expect(e?.description.contains("Sigil will use wireguard-go") == true)
        }
    }

    @Test(.enabled(if: hasModule || requireModule))
    func configureAndReadBackOnARealDevice() throws {
        try inFreshNamespace {
            #expect(KernelBackend.isAvailable())
            let rt = try RouteNetlink()
            try rt.createLink(name: "wgk0", kind: "wireguard")
            let backend = KernelBackend()
            let fresh = try backend.device(named: "wgk0")
            #expect(fresh.privateKey == nil && fresh.peers.isEmpty)

            let priv = WireGuardKey.generatePrivate()
            var config = KernelSplitTests.bigConfig()  // 300 peers, one with 700 allowed IPs: several messages
            config.privateKey = priv
            for i in config.peers.indices { config.peers[i].updateOnly = false }
            try backend.configure("wgk0", config)
            let dev = try backend.device(named: "wgk0")
            #expect(dev.name == "wgk0")
            #expect(dev.privateKey == priv)
            #expect(dev.publicKey == priv.publicKey())
            #expect(dev.listenPort == 51820)
            #expect(dev.fwmark == 0x51820)
            #expect(dev.peers.count == 300)
            let byKey = Dictionary(uniqueKeysWithValues: dev.peers.map { ($0.publicKey, $0) })
            for want in config.peers {
                let got = try #require(byKey[want.publicKey])
                #expect(got.presharedKey == want.presharedKey)
                #expect(got.endpoint == want.endpoint)
                #expect(got.persistentKeepalive == want.persistentKeepalive ?? 0)
                // The kernel stores prefixes masked and may reorder them.
                #expect(Set(got.allowedIPs.map { CIDR(address: $0.network, prefixLength: $0.prefixLength) })
                    == Set(want.allowedIPs.map { CIDR(address: $0.network, prefixLength: $0.prefixLength) }))
            }

            // REPLACE_PEERS with one peer leaves exactly that peer.
            let only = PeerConfig(publicKey: kernelTestKey(0x77), allowedIPs: [CIDR("10.200.0.2/32")!],
                                  replaceAllowedIPs: true)
            try backend.configure("wgk0", DeviceConfig(replacePeers: true, peers: [only]))
            let after = try backend.device(named: "wgk0")
            #expect(after.peers.map(\.publicKey) == [only.publicKey])
            #expect(after.peers.first?.allowedIPs == [CIDR("10.200.0.2/32")!])

            let missing = #expect(throws: NetlinkError.self) { try backend.device(named: "wgk9") }
            #expect(missing?.code == .noSuchInterface)
            try rt.createVethPair(name: "vk0", peer: "vk1")
            let notWG = #expect(throws: NetlinkError.self) { try backend.device(named: "vk0") }
            #expect(notWG?.code == .notSupported)
            try rt.deleteLink(name: "wgk0")
        }
    }
}
