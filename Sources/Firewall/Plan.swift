import Sockets

/// The rules of a policy, independent of the firewall tool; nft and iptables render the same plan.
struct Plan: Hashable {
    enum Verdict: Hashable { case accept, drop }

    enum Proto: Hashable {
        case tcp, udp
        case icmp([String])
        case icmpv6
    }

    enum State: String, Hashable { case invalid, new, established, related }

    struct Rule: Hashable {
        var note: String?
        /// Matches only packets in the original direction of a connection Docker DNAT'ed (a published port).
        var publishedOnly = false
        var inInterface: String?
        var notInInterface: String?
        var source: IPAddress?
        var destination: IPAddress?
        var proto: Proto?
        var sourcePort: UInt16?
        var destinationPort: UInt16?
        var states: [State] = []
        var counted = false
        var verdict: Verdict
    }

    var header: [String]
    var input: [Rule]
    var inputPolicy: Verdict
    var forward: [Rule]?
}

extension Plan {
    static let icmpKept = ["destination-unreachable", "time-exceeded", "parameter-problem", "echo-request"]

    init(_ p: FirewallPolicy) {
        header = Self.header(p)
        inputPolicy = p.profile == .lockdown ? .drop : .accept
        input = p.profile == .lockdown ? Self.lockdown(p) : Self.scoped(p)
        forward = p.docker ? Self.forward(p) : nil
    }

    private static func header(_ p: FirewallPolicy) -> [String] {
        var lines = [
            "Sigil firewall: role \(p.role.rawValue), profile \(p.profile.rawValue), interface \(p.interface)."
        ]
        switch p.profile {
        case .scoped:
            lines.append(
                "Scoped: only drops traffic Sigil owns; ufw, firewalld and Docker rules keep deciding the rest")
            lines.append("(a host firewall with a drop policy still needs its own allow for \(p.listenPort)/udp"
                + (p.role == .validator ? " and \(p.privvalPort)/tcp on \(p.interface))." : ")."))
        case .lockdown:
            lines.append("Lockdown: every inbound packet not accepted below is dropped.")
            if p.role == .validator, p.allowTCP.isEmpty {
                lines.append("This closes CometBFT P2P too; open it with --allow-tcp 26656 if peers dial in.")
            }
        }
        return lines
    }

    /// What nft and iptables say about Docker; ufw, which cannot see the forward path, says its own.
    static func dockerNote(_ p: FirewallPolicy) -> [String] {
        guard p.docker else { return [] }
        var lines = [
            "Docker: published ports are DNAT'ed and forwarded, so they skip the input chain and the",
            "forward chain guards them.",
        ]
        if p.role == .validator {
            lines.append("With \(p.interface) inside sekai's network namespace the privval packets never reach the")
            lines.append("host: load these rules in that namespace too (the sigil-tunnel service does).")
        }
        return lines
    }

    private static func tunnelICMP(_ p: FirewallPolicy) -> Proto {
        isV6(p.localTunnelIP) ? .icmpv6 : .icmp(icmpKept)
    }

    private static func tunnelRules(_ p: FirewallPolicy, lockdown: Bool) -> [Rule] {
        var rules: [Rule] = []
        if p.role == .validator {
            rules.append(Rule(
                note: "Tunnel: only the signer's tunnel address may reach the privval port, and only over "
                    + "\(p.interface).",
                inInterface: p.interface, source: p.peerTunnelIP, destination: p.localTunnelIP, proto: .tcp,
                destinationPort: p.privvalPort, states: lockdown ? [.new] : [], verdict: .accept))
        }
        let why = p.role == .validator
            ? "Nothing else may arrive over the tunnel."
            : "Nothing listens on the tunnel: Sigil dials out, and the replies are established traffic."
        rules.append(Rule(note: why, inInterface: p.interface, counted: true, verdict: .drop))
        return rules
    }

    private static func wireGuardRule(_ p: FirewallPolicy, note: String) -> Rule {
        Rule(
            note: note, source: p.peerEndpoint.address, proto: .udp, sourcePort: p.peerEndpoint.port,
            destinationPort: p.listenPort, verdict: .accept)
    }

    private static func scoped(_ p: FirewallPolicy) -> [Rule] {
        var rules = [
            Rule(
                note: "Replies on connections already allowed over the tunnel.", inInterface: p.interface,
                states: [.established, .related], verdict: .accept),
            Rule(
                note: "ICMP over the tunnel: keeps path-MTU discovery (frag-needed) and ping working.",
                inInterface: p.interface, proto: tunnelICMP(p), verdict: .accept),
        ]
        rules += tunnelRules(p, lockdown: false)
        rules.append(wireGuardRule(p, note: "WireGuard: only the peer's public endpoint may use the tunnel port."))
        rules.append(Rule(proto: .udp, destinationPort: p.listenPort, counted: true, verdict: .drop))
        if p.role == .validator {
            rules.append(Rule(
                note: "The privval port is reachable only through the tunnel.", proto: .tcp,
                destinationPort: p.privvalPort, counted: true, verdict: .drop))
        }
        return rules
    }

    private static func lockdown(_ p: FirewallPolicy) -> [Rule] {
        var rules = [
            Rule(states: [.invalid], verdict: .drop),
            Rule(states: [.established, .related], verdict: .accept),
            Rule(inInterface: "lo", verdict: .accept),
            Rule(
                note: "ICMP: keeps path-MTU discovery (frag-needed, packet-too-big) and IPv6 neighbour discovery.",
                proto: .icmp(icmpKept), verdict: .accept),
            Rule(proto: .icmpv6, verdict: .accept),
        ]
        rules += tunnelRules(p, lockdown: true)
        if let ssh = p.sshPort {
            rules.append(Rule(
                note: "SSH stays open on port \(ssh) so applying this over SSH does not lock you out "
                    + "(--no-ssh closes it).",
                proto: .tcp, destinationPort: ssh, states: [.new], verdict: .accept))
        }
        for (i, port) in p.allowTCP.enumerated() {
            rules.append(Rule(
                note: i == 0 ? "Ports opened with --allow-tcp." : nil, proto: .tcp, destinationPort: port,
                states: [.new], verdict: .accept))
        }
        rules.append(wireGuardRule(p, note: "WireGuard: only from the peer's public endpoint."))
        rules.append(Rule(counted: true, verdict: .drop))
        return rules
    }

    private static func forward(_ p: FirewallPolicy) -> [Rule] {
        var rules = [
            Rule(
                note: "A published WireGuard port only forwards packets from the peer's public endpoint.",
                publishedOnly: true, source: p.peerEndpoint.address, proto: .udp, sourcePort: p.peerEndpoint.port,
                destinationPort: p.listenPort, verdict: .accept),
            Rule(publishedOnly: true, proto: .udp, destinationPort: p.listenPort, counted: true, verdict: .drop),
        ]
        if p.role == .validator {
            rules.append(Rule(
                note: "Never forward the privval port unless it came through the tunnel (no publish, no DNAT).",
                notInInterface: p.interface, proto: .tcp, destinationPort: p.privvalPort, counted: true,
                verdict: .drop))
        }
        return rules
    }

    static func isV6(_ a: IPAddress) -> Bool {
        if case .v6 = a { return true }
        return false
    }
}
