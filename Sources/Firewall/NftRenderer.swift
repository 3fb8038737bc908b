import Sockets

/// Renders a policy as an `nft -f` script for the table `inet sigil`.
///
/// The script replaces the table atomically (create-if-missing, delete, define) and touches nothing else, so
/// Docker's, ufw's and firewalld's tables survive; it never uses `flush ruleset`.
public enum NftRenderer {
    public static let table = "sigil"

    public static func render(_ policy: FirewallPolicy) -> String {
        let plan = Plan(policy)
        var out = ["#!/usr/sbin/nft -f"]
        out += (plan.header + Plan.dockerNote(policy)).map { "# " + $0 }
        out.append("# Apply: nft -f FILE (check first: nft -c -f FILE). Remove: nft delete table inet \(table)")
        out += ["", "table inet \(table) {}", "delete table inet \(table)", "", "table inet \(table) {"]
        out += chain("input", hook: "input", priority: "filter", policy: plan.inputPolicy, rules: plan.input)
        if let forward = plan.forward {
            out.append("")
            out.append("    # Runs just before Docker's forward rules; drops here are final whatever Docker accepts.")
            out += chain("forward", hook: "forward", priority: "filter - 1", policy: .accept, rules: forward)
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    private static func chain(
        _ name: String, hook: String, priority: String, policy: Plan.Verdict, rules: [Plan.Rule]
    ) -> [String] {
        var out = ["    chain \(name) {"]
        out.append("        type filter hook \(hook) priority \(priority); policy \(verdict(policy));")
        for rule in rules {
            if let note = rule.note { out.append("        # " + note) }
            out.append("        " + render(rule))
        }
        out.append("    }")
        return out
    }

    static func render(_ rule: Plan.Rule) -> String {
        var parts: [String] = []
        if rule.publishedOnly { parts.append("ct direction original ct status dnat") }
        if let name = rule.inInterface { parts.append("iifname \"\(name)\"") }
        if let name = rule.notInInterface { parts.append("iifname != \"\(name)\"") }
        if let a = rule.source { parts.append("\(family(a)) saddr \(a)") }
        if let a = rule.destination { parts.append("\(family(a)) daddr \(a)") }
        switch rule.proto {
        case .tcp?, .udp?:
            let name = rule.proto == .tcp ? "tcp" : "udp"
            if let port = rule.sourcePort { parts.append("\(name) sport \(port)") }
            if let port = rule.destinationPort { parts.append("\(name) dport \(port)") }
            if rule.sourcePort == nil, rule.destinationPort == nil { parts.append("meta l4proto \(name)") }
        case .icmp(let types)?:
            parts.append("icmp type { \(types.joined(separator: ", ")) }")
        case .icmpv6?:
            parts.append("meta l4proto ipv6-icmp")
        case nil:
            break
        }
        if !rule.states.isEmpty { parts.append("ct state " + rule.states.map(\.rawValue).joined(separator: ",")) }
        if rule.counted { parts.append("counter") }
        parts.append(verdict(rule.verdict))
        return parts.joined(separator: " ")
    }

    private static func family(_ a: IPAddress) -> String { Plan.isV6(a) ? "ip6" : "ip" }

    private static func verdict(_ v: Plan.Verdict) -> String { v == .accept ? "accept" : "drop" }
}
