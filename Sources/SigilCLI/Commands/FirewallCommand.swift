import ArgumentParser
import Firewall

/// `sigil firewall`: prints the rules for one end of the tunnel; applying them stays the operator's call.
struct FirewallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firewall",
        abstract: "Print firewall rules for the Sigil WireGuard link (nft, iptables-restore or ufw).",
        discussion: """
            Check and apply nft output with `nft -c -f FILE && nft -f FILE`; remove it with
            `nft delete table inet sigil`. The scoped profile only drops traffic Sigil owns; lockdown drops
            every inbound packet it does not allow and keeps SSH open unless --no-ssh is given.
            """)

    @Option(help: "validator (machine A, runs sekaid) or signer (machine B, runs Sigil).")
    var role: String

    @Option(help: "WireGuard interface name.")
    var interface = "wg0"

    @Option(name: .customLong("peer-endpoint"), help: "The other machine's public IP[:port] (no hostnames).")
    var peerEndpoint: String

    @Option(name: .customLong("peer-tunnel-ip"), help: "The other machine's tunnel address, e.g. 10.200.0.2.")
    var peerTunnelIP: String

    @Option(name: .customLong("local-tunnel-ip"), help: "This machine's tunnel address, e.g. 10.200.0.1.")
    var localTunnelIP: String

    @Option(help: "scoped (coexists with ufw/Docker) or lockdown (dedicated machine).")
    var profile = "scoped"

    @Option(help: "nft, iptables or ufw.")
    var format = "nft"

    @Flag(help: "The node or tunnel runs in Docker: also guard the forward path of published ports.")
    var docker = false

    @Option(name: .customLong("listen-port"), help: "WireGuard UDP port.")
    var listenPort: UInt16 = 51820

    @Option(name: .customLong("privval-port"), help: "sekaid's priv_validator_laddr port.")
    var privvalPort: UInt16 = 26659

    @Option(name: .customLong("ssh-port"), help: "Lockdown: SSH port kept open.")
    var sshPort: UInt16 = 22

    @Flag(name: .customLong("no-ssh"), help: "Lockdown: close SSH too (console access only).")
    var noSSH = false

    @Option(name: .customLong("allow-tcp"), help: "Lockdown: another TCP port to accept (repeatable).")
    var allowTCP: [UInt16] = []

    func run() throws {
        guard let role = FirewallPolicy.Role(rawValue: role) else {
            throw ValidationError("--role '\(role)' is not a role: use validator or signer")
        }
        guard let profile = FirewallPolicy.Profile(rawValue: profile) else {
            throw ValidationError("--profile '\(profile)' is not a profile: use scoped or lockdown")
        }
        if profile == .scoped, noSSH || sshPort != 22 {
            throw ValidationError("--no-ssh and --ssh-port only apply to --profile lockdown; scoped leaves SSH alone")
        }
        let policy = try FirewallPolicy(
            role: role, interface: interface, listenPort: listenPort,
            peerEndpoint: PeerEndpoint(parsing: peerEndpoint),
            peerTunnelIP: FirewallPolicy.address(peerTunnelIP, flag: "--peer-tunnel-ip"),
            localTunnelIP: FirewallPolicy.address(localTunnelIP, flag: "--local-tunnel-ip"),
            privvalPort: privvalPort, profile: profile, docker: docker, sshPort: noSSH ? nil : sshPort,
            allowTCP: allowTCP)
        switch format {
        case "nft": print(NftRenderer.render(policy), terminator: "")
        case "iptables": print(try IptablesRenderer.render(policy), terminator: "")
        case "ufw": print(try UfwRenderer.render(policy), terminator: "")
        default: throw ValidationError("--format '\(format)' is not a format: use nft, iptables or ufw")
        }
    }
}
