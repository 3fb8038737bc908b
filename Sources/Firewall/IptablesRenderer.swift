import Sockets

/// Renders a policy in `iptables-restore` format (or `ip6tables-restore` for an IPv6 link), for `-n/--noflush`.
///
/// Rules live in Sigil's own chains, jumped to from the top of INPUT (and of DOCKER-USER with Docker); every rule
/// carries the comment "sigil" so it can be found and removed. In the scoped profile an allowed packet RETURNs,
/// so the host's own rules still decide it, exactly like an nft accept in a separate base chain.
public enum IptablesRenderer {
    public static let inputChain = "SIGIL-INPUT"
    public static let forwardChain = "SIGIL-FORWARD"

    public static func render(_ policy: FirewallPolicy) throws -> String {
        let v6 = Plan.isV6(policy.localTunnelIP)
        if Plan.isV6(policy.peerEndpoint.address) != v6 {
            throw FirewallError.unsupported(
                "--peer-endpoint '\(policy.peerEndpoint.address)' and the tunnel addresses are different address "
                    + "families, which iptables cannot express in one file: use --format nft")
        }
        let plan = Plan(policy)
        let tool = v6 ? "ip6tables" : "iptables"
        let accept = policy.profile == .lockdown ? "ACCEPT" : "RETURN"
        var out = (plan.header + Plan.dockerNote(policy)).map { "# " + $0 }
        out.append("# Check: \(tool)-restore -t -n FILE. Apply: \(tool)-restore -n FILE (never without -n).")
        out.append("# Re-applying adds a second jump; remove first: \(tool) -D INPUT \(jump(inputChain))"
            + (plan.forward == nil ? "" : "; \(tool) -D DOCKER-USER \(jump(forwardChain))"))
        out.append("# Remove: delete the jump(s), then \(tool) -F \(inputChain); \(tool) -X \(inputChain)"
            + (plan.forward == nil ? "" : "; the same for \(forwardChain)"))
        if plan.forward != nil {
            out.append("# DOCKER-USER is created by Docker: start Docker first.")
        }
        out += ["*filter", ":\(inputChain) - [0:0]"]
        if plan.forward != nil { out.append(":\(forwardChain) - [0:0]") }
        for rule in plan.input {
            out += lines(rule, chain: inputChain, accept: accept, v6: v6)
        }
        if plan.inputPolicy == .accept {
            out.append("-A \(inputChain) -m comment --comment sigil -j RETURN")
        }
        out.append("-I INPUT 1 \(jump(inputChain))")
        if let forward = plan.forward {
            for rule in forward {
                out += lines(rule, chain: forwardChain, accept: "RETURN", v6: v6)
            }
            out.append("-A \(forwardChain) -m comment --comment sigil -j RETURN")
            out.append("-I DOCKER-USER 1 \(jump(forwardChain))")
        }
        out.append("COMMIT")
        return out.joined(separator: "\n") + "\n"
    }

    private static func jump(_ chain: String) -> String { "-m comment --comment sigil -j \(chain)" }

    /// One rule becomes one line per ICMP type; rules for the other address family are left out.
    private static func lines(_ rule: Plan.Rule, chain: String, accept: String, v6: Bool) -> [String] {
        var out: [String] = []
        if let note = rule.note { out.append("# " + note) }
        var head = ["-A", chain]
        if let name = rule.inInterface { head += ["-i", name] }
        if let name = rule.notInInterface { head += ["!", "-i", name] }
        if let a = rule.source { head += ["-s", "\(a)"] }
        if let a = rule.destination { head += ["-d", "\(a)"] }
        var protoVariants: [[String]] = [[]]
        switch rule.proto {
        case .tcp?, .udp?:
            var p = ["-p", rule.proto == .tcp ? "tcp" : "udp"]
            if let port = rule.sourcePort { p += ["--sport", "\(port)"] }
            if let port = rule.destinationPort { p += ["--dport", "\(port)"] }
            protoVariants = [p]
        case .icmp(let types)?:
            if v6 { return [] }
            protoVariants = types.map { ["-p", "icmp", "--icmp-type", $0] }
        case .icmpv6?:
            if !v6 { return [] }
            protoVariants = [["-p", "ipv6-icmp"]]
        case nil:
            break
        }
        var tail: [String] = []
        var ctStates = rule.states.map { $0.rawValue.uppercased() }
        if rule.publishedOnly { ctStates.append("DNAT") }
        if !ctStates.isEmpty { tail += ["-m", "conntrack", "--ctstate", ctStates.joined(separator: ",")] }
        if rule.publishedOnly { tail += ["--ctdir", "ORIGINAL"] }
        tail += ["-m", "comment", "--comment", "sigil", "-j", rule.verdict == .accept ? accept : "DROP"]
        for p in protoVariants { out.append((head + p + tail).joined(separator: " ")) }
        return out
    }
}
