import Sockets

/// Renders a policy as `ufw` command lines.
///
/// ufw uses the first matching rule, so Sigil's rules must sit above any broader rule the host already has;
/// `ufw prepend` puts a rule at the top, which is why the commands run from the last rule to the first.
/// ufw only filters traffic addressed to the host: Docker-published ports bypass it, so with Docker the output
/// says where the forward guard has to come from instead of pretending to provide it.
public enum UfwRenderer {
    public static func render(_ policy: FirewallPolicy) throws -> String {
        let plan = Plan(policy)
        var out = plan.header.map { "# " + $0 }
        if policy.docker {
            out.append("# ufw never sees Docker-published ports (they are forwarded, not delivered to the host), so")
            out.append("# these rules cover the host only: load `sigil firewall --docker` as nft or iptables for the")
            out.append("# forward guard (it coexists with ufw).")
        }
        out.append("# Run as root. `ufw prepend` puts each rule first, so the last line below becomes rule 1.")
        out.append("# ICMP (frag-needed, echo) and established replies are allowed by ufw's before.rules already.")
        if policy.profile == .lockdown {
            out += ["ufw default deny incoming", "ufw default allow outgoing"]
        }
        out += rules(policy).reversed().map { "ufw prepend " + $0 }
        if policy.profile == .lockdown {
            out.append("ufw --force enable")
        }
        out.append("# Remove: ufw status numbered, then ufw delete N for each rule commented 'sigil'.")
        return out.joined(separator: "\n") + "\n"
    }

    /// Rules in first-match order.
    private static func rules(_ p: FirewallPolicy) -> [String] {
        var out: [String] = []
        if p.role == .validator {
            out.append(
                "allow in on \(p.interface) proto tcp from \(p.peerTunnelIP) to \(p.localTunnelIP) port "
                    + "\(p.privvalPort) comment 'sigil: privval from the signer over the tunnel'")
        }
        out.append("deny in on \(p.interface) comment 'sigil: nothing else over the tunnel'")
        if p.profile == .lockdown, let ssh = p.sshPort {
            out.append(
                "allow proto tcp from any to any port \(ssh) comment 'sigil: SSH stays open (--no-ssh closes it)'")
        }
        for port in p.allowTCP {
            out.append("allow proto tcp from any to any port \(port) comment 'sigil: --allow-tcp'")
        }
        let sport = p.peerEndpoint.port.map { " port \($0)" } ?? ""
        out.append(
            "allow proto udp from \(p.peerEndpoint.address)\(sport) to any port \(p.listenPort) "
                + "comment 'sigil: WireGuard from the peer'")
        out.append("deny proto udp from any to any port \(p.listenPort) comment 'sigil: WireGuard from others'")
        if p.role == .validator {
            out.append("deny proto tcp from any to any port \(p.privvalPort) comment 'sigil: privval off the tunnel'")
        }
        return out
    }
}
