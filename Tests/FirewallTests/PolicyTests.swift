import Foundation
import Sockets
import Testing
import TestSupport

@testable import Firewall

private func policy(
    endpoint: String = "198.51.100.20", peer: String = "10.200.0.2", local: String = "10.200.0.1",
    interface: String = "wg0", profile: FirewallPolicy.Profile = .scoped, ssh: UInt16? = 22, allowTCP: [UInt16] = []
) throws -> FirewallPolicy {
    try FirewallPolicy(
        role: .validator, interface: interface, peerEndpoint: PeerEndpoint(parsing: endpoint),
        peerTunnelIP: FirewallPolicy.address(peer, flag: "--peer-tunnel-ip"),
        localTunnelIP: FirewallPolicy.address(local, flag: "--local-tunnel-ip"), profile: profile, sshPort: ssh,
        allowTCP: allowTCP)
}

@Test(arguments: [
    ("198.51.100.20", "198.51.100.20", nil),
    ("198.51.100.20:51820", "198.51.100.20", 51820),
    ("2001:db8::a", "2001:db8::a", nil),
    ("[2001:db8::a]", "2001:db8::a", nil),
    ("[2001:db8::a]:51821", "2001:db8::a", 51821),
] as [(String, String, UInt16?)])
func endpointParses(_ text: String, _ address: String, _ port: UInt16?) throws {
    let endpoint = try PeerEndpoint(parsing: text)
    #expect(endpoint.address == IPAddress(address))
    #expect(endpoint.port == port)
    // The description is canonical input again.
    #expect(try PeerEndpoint(parsing: endpoint.description) == endpoint)
}

@Test(arguments: [
    "validator.example.com", "validator.example.com:51820", "1.2.3.4:0", "1.2.3.4:70000", "1.2.3.4:x",
    "[2001:db8::a", "[2001:db8::a]51820", "0.0.0.0", "127.0.0.1", "::1", "",
])
func badEndpointIsRefusedWithItsText(_ text: String) {
    #expect {
        _ = try PeerEndpoint(parsing: text)
    } throws: { error in
        let e = error as? FirewallError
        return (e?.code == .badAddress || e?.code == .badPort) && e!.description.contains("--peer-endpoint '\(text)'")
    }
}

@Test func publicTunnelAddressIsRefused() {
    #expect(throws: FirewallError(code: .publicTunnelAddress, reason: "")) { try policy(local: "8.8.8.8") }
    #expect(throws: FirewallError(code: .publicTunnelAddress, reason: "")) { try policy(peer: "2001:db8::2") }
}

@Test func tunnelAddressesMustDifferAndShareAFamily() {
    #expect(throws: FirewallError(code: .conflict, reason: "")) { try policy(peer: "10.200.0.1") }
    #expect(throws: FirewallError(code: .conflict, reason: "")) { try policy(peer: "fd00::2") }
}

@Test func endpointMustNotBeATunnelAddress() {
    #expect(throws: FirewallError(code: .badAddress, reason: "")) { try policy(endpoint: "10.200.0.2") }
}

@Test func hostnameIsNotATunnelAddress() {
    #expect(throws: FirewallError(code: .badAddress, reason: "")) { try policy(peer: "signer.local") }
}

@Test(arguments: ["", "lo", "a-very-long-interface-name", "wg 0", "wg0;drop", "wg\"0"])
func badInterfaceIsRefused(_ name: String) {
    #expect(throws: FirewallError(code: .badInterface, reason: "")) { try policy(interface: name) }
}

@Test func privvalPortCannotBeOpenedToEveryone() {
    #expect(throws: FirewallError(code: .conflict, reason: "")) {
        try policy(profile: .lockdown, allowTCP: [26659])
    }
    #expect(throws: FirewallError(code: .conflict, reason: "")) { try policy(profile: .lockdown, ssh: 26659) }
    #expect(throws: FirewallError(code: .conflict, reason: "")) { try policy(allowTCP: [26656]) }
}

@Test func iptablesRefusesMixedFamiliesAndUfwPointsDockerAtTheForwardGuard() throws {
    let mixed = try policy(endpoint: "2001:db8::a")
    #expect(throws: FirewallError(code: .unsupported, reason: "")) { try IptablesRenderer.render(mixed) }
    #expect(NftRenderer.render(mixed).contains("ip6 saddr 2001:db8::a udp dport 51820 accept"))
    let ufw = try UfwRenderer.render(GoldenCase.validator(.scoped, docker: true))
    #expect(ufw.contains("ufw never sees Docker-published ports"))
    #expect(!(try UfwRenderer.render(GoldenCase.validator(.scoped))).contains("Docker-published"))
}

/// The CLI prints exactly what the renderer produces, and turns bad input into one line naming the flag.
@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: Built.sigil.path) || Vectors.isCI))
func cliPrintsTheGoldenRules() throws {
    let args = [
        "firewall", "--role", "validator", "--interface", "wg0", "--peer-endpoint", "198.51.100.20",
        "--peer-tunnel-ip", "10.200.0.2", "--local-tunnel-ip", "10.200.0.1", "--docker",
    ]
    let (status, output) = try run(Built.sigil.path, args)
    #expect(status == 0)
    let golden = GoldenCase.all.first { $0.name == "validator-scoped-docker.nft" }!
    #expect(output == (try String(contentsOf: golden.file, encoding: .utf8)))

    let (ufwStatus, ufw) = try run(Built.sigil.path, args.dropLast() + ["--format", "ufw"])
    #expect(ufwStatus == 0)
    #expect(ufw == (try String(contentsOf: GoldenCase.all.first { $0.name == "validator-scoped.ufw" }!.file,
                                 encoding: .utf8)))

    var bad = args
    bad[6] = "validator.example.com"
    let (badStatus, message) = try run(Built.sigil.path, bad)
    #expect(badStatus != 0)
    #expect(message.contains("--peer-endpoint 'validator.example.com'"))
    #expect(message.split(separator: "\n").count == 1, "\(message)")
}

@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: Built.sigil.path) || Vectors.isCI))
func cliProfileAndFormatOptions() throws {
    let base = [
        "firewall", "--role", "signer", "--peer-endpoint", "203.0.113.10:51820", "--peer-tunnel-ip", "10.200.0.1",
        "--local-tunnel-ip", "10.200.0.2",
    ]
    let (closed, noSSH) = try run(Built.sigil.path, base + ["--profile", "lockdown", "--no-ssh"])
    #expect(closed == 0)
    #expect(noSSH.contains("policy drop;") && !noSSH.contains("dport 22"))
    let (moved, ssh2222) = try run(Built.sigil.path, base + ["--profile", "lockdown", "--ssh-port", "2222"])
    #expect(moved == 0 && ssh2222.contains("tcp dport 2222 ct state new accept"))
    let (iptables, restore) = try run(Built.sigil.path, base + ["--format", "iptables"])
    #expect(iptables == 0 && restore.contains("*filter") && restore.hasSuffix("COMMIT\n"))

    for (args, mention) in [
        (["--format", "xml"], "--format 'xml'"), (["--profile", "strict"], "--profile 'strict'"),
        (["--no-ssh"], "--no-ssh"), (["--interface", "wg0;x"], "--interface 'wg0;x'"),
    ] {
        let (status, message) = try run(Built.sigil.path, base + args)
        #expect(status != 0, "\(args)")
        #expect(message.contains(mention), "\(args): \(message)")
    }
}
