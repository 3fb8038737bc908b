import Foundation
import Sockets

@testable import Firewall

/// One rendered output compared byte for byte with `Golden/<name>`.
struct GoldenCase: CustomStringConvertible, Sendable {
    enum Format: String, Sendable { case nft, iptables, ufw }

    let name: String
    let format: Format
    let policy: FirewallPolicy

    var description: String { name }

    var file: URL { Self.goldenDirectory.appendingPathComponent(name) }

    func render() throws -> String {
        switch format {
        case .nft: return NftRenderer.render(policy)
        case .iptables: return try IptablesRenderer.render(policy)
        case .ufw: return try UfwRenderer.render(policy)
        }
    }

    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// Machine A = 203.0.113.10 (tunnel 10.200.0.1), machine B = 198.51.100.20 (tunnel 10.200.0.2).
    static func validator(
        _ profile: FirewallPolicy.Profile, docker: Bool = false, allowTCP: [UInt16] = []
    ) -> FirewallPolicy {
        try! FirewallPolicy(
            role: .validator, peerEndpoint: PeerEndpoint(address: IPAddress("198.51.100.20")!),
            peerTunnelIP: IPAddress("10.200.0.2")!, localTunnelIP: IPAddress("10.200.0.1")!, profile: profile,
            docker: docker, allowTCP: allowTCP)
    }

    static func signer(_ profile: FirewallPolicy.Profile, docker: Bool = false, ssh: UInt16? = 22) -> FirewallPolicy {
        try! FirewallPolicy(
            role: .signer, peerEndpoint: PeerEndpoint(address: IPAddress("203.0.113.10")!, port: 51820),
            peerTunnelIP: IPAddress("10.200.0.1")!, localTunnelIP: IPAddress("10.200.0.2")!, profile: profile,
            docker: docker, sshPort: ssh)
    }

    static func signerV6() -> FirewallPolicy {
        try! FirewallPolicy(
            role: .signer, interface: "wg-sigil",
            peerEndpoint: PeerEndpoint(address: IPAddress("2001:db8::a")!, port: 51820),
            peerTunnelIP: IPAddress("fd00:200::1")!, localTunnelIP: IPAddress("fd00:200::2")!, profile: .lockdown,
            docker: true, sshPort: 2222)
    }

    static let all: [GoldenCase] = [
        GoldenCase(name: "validator-scoped.nft", format: .nft, policy: validator(.scoped)),
        GoldenCase(name: "validator-scoped-docker.nft", format: .nft, policy: validator(.scoped, docker: true)),
        GoldenCase(name: "validator-lockdown.nft", format: .nft, policy: validator(.lockdown, allowTCP: [26656])),
        GoldenCase(name: "signer-scoped.nft", format: .nft, policy: signer(.scoped)),
        GoldenCase(name: "signer-lockdown.nft", format: .nft, policy: signer(.lockdown)),
        GoldenCase(name: "signer-lockdown-nossh-docker.nft", format: .nft,
                   policy: signer(.lockdown, docker: true, ssh: nil)),
        GoldenCase(name: "signer-lockdown-ipv6-docker.nft", format: .nft, policy: signerV6()),
        GoldenCase(name: "validator-scoped.iptables", format: .iptables, policy: validator(.scoped)),
        GoldenCase(name: "validator-scoped-docker.iptables", format: .iptables,
                   policy: validator(.scoped, docker: true)),
        GoldenCase(name: "validator-lockdown.iptables", format: .iptables,
                   policy: validator(.lockdown, allowTCP: [26656])),
        GoldenCase(name: "signer-lockdown.iptables", format: .iptables, policy: signer(.lockdown)),
        GoldenCase(name: "signer-lockdown-ipv6-docker.ip6tables", format: .iptables, policy: signerV6()),
        GoldenCase(name: "validator-scoped.ufw", format: .ufw, policy: validator(.scoped)),
        GoldenCase(name: "validator-scoped-docker.ufw", format: .ufw, policy: validator(.scoped, docker: true)),
        GoldenCase(name: "validator-lockdown.ufw", format: .ufw, policy: validator(.lockdown, allowTCP: [26656])),
        GoldenCase(name: "signer-scoped.ufw", format: .ufw, policy: signer(.scoped)),
        GoldenCase(name: "signer-lockdown.ufw", format: .ufw, policy: signer(.lockdown)),
    ]

    static var nft: [GoldenCase] { all.filter { $0.format == .nft } }
    static var iptables: [GoldenCase] { all.filter { $0.format == .iptables } }
}
