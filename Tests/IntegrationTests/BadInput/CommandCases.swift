import Foundation

/// `sigil provision`, `sigil firewall`, `sigil init`, `sigil guard` and argument mistakes.
extension BadInput {
    /// `base` with each `--flag value` pair of `extra` replacing the flag's value, or added when absent; an empty
    /// value adds a bare flag such as `--no-psk`.
    static func overriding(_ base: [String], _ extra: [String]) -> [String] {
        var args = base
        for (i, word) in extra.enumerated() where i % 2 == 0 {
            if let at = args.firstIndex(of: word) { args[at + 1] = extra[i + 1] } else { args += [word, extra[i + 1]] }
        }
        return args.filter { !$0.isEmpty }
    }

    static let provisionBase = ["provision", "--chain-id", "kira-1", "--validator-endpoint", "203.0.113.10",
                                "--signer-endpoint", "203.0.113.20", "--out", "bundles"]

    static func provision(_ name: String, _ extra: [String], names: [String], fix: String, status: Int32 = 1,
                          setup: @escaping @Sendable (Sandbox) throws -> Void = { _ in }) -> BadInput {
        BadInput(area: "provision", name: name, args: overriding(provisionBase, extra), setup: setup, names: names, fix: fix, status: status)
    }

    static let provisioning: [BadInput] = [
        provision("a quote in the chain id", ["--chain-id", "kira\"1"], names: ["--chain-id", "kira\\\"1"],
                  fix: "exactly as `sekaid status` prints it"),
        provision("a 51-byte chain id", ["--chain-id", String(repeating: "k", count: 51)], names: ["--chain-id"],
                  fix: "at most 50"),
        provision("a bad interface name", ["--interface", "wg0\"x"], names: ["--interface", "wg0\"x"], fix: "e.g. wg0"),
        provision("a relative signer home", ["--signer-home", "etc/sigil"], names: ["--signer-home", "etc/sigil"],
                  fix: "e.g. /etc/sigil"),
        provision("a newline in the signer home", ["--signer-home", "/etc/sigil\n[[validator]]"],
                  names: ["--signer-home", "/etc/sigil\\n[[validator]]"], fix: "without control characters"),
        provision("a hostname endpoint", ["--validator-endpoint", "validator.example.com"],
                  names: ["--validator-endpoint", "validator.example.com"], fix: "so no hostnames"),
        provision("the same endpoint twice", ["--signer-endpoint", "203.0.113.10"], names: ["--signer-endpoint"],
                  fix: "they must be the two different machines"),
        provision("a public tunnel subnet", ["--subnet", "8.8.8.0/24"], names: ["8.8.8.0/24"], fix: "such as 10.200.0.0/24"),
        provision("a subnet overlapping kiranet", ["--subnet", "10.1.2.0/24"], names: ["10.1.2.0/24"], fix: "pick a range"),
        provision("an existing output directory", ["--out", "state"], names: ["state/validator"], fix: "move it away",
                  setup: { try $0.mkdir("state/validator") }),
        provision("--role without keys", ["--role", "signer"], names: ["--role"], fix: "needs --private-key", status: 64),
        provision("a private key file readable by others",
                  ["--role", "signer", "--no-psk", "", "--private-key", "wg.key", "--peer-public-key",
                   "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="],
                  names: ["wg.key"], fix: "chmod 600 wg.key",
                  setup: { try $0.write("wg.key", Sandbox.wgKey + "\n", mode: 0o644) }),
        provision("a private key file with a short key",
                  ["--role", "signer", "--no-psk", "", "--private-key", "wg.key", "--peer-public-key",
                   "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="],
                  names: ["wg.key", "found 40 characters"], fix: "`wg genkey`",
                  setup: { try $0.write("wg.key", String(Sandbox.wgKey.prefix(40)) + "\n") }),
        provision("a bad peer public key",
                  ["--role", "signer", "--no-psk", "", "--private-key", "wg.key", "--peer-public-key", "not-a-key"],
                  names: ["--peer-public-key", "not-a-key"], fix: "must be 44 base64 characters",
                  setup: { try $0.write("wg.key", Sandbox.wgKey + "\n") }),
    ]

    static let firewallBase = ["firewall", "--role", "signer", "--peer-endpoint", "203.0.113.10",
                               "--peer-tunnel-ip", "10.200.0.1", "--local-tunnel-ip", "10.200.0.2"]

    static func firewall(_ name: String, _ extra: [String], names: [String], fix: String) -> BadInput {
        BadInput(area: "firewall", name: name, args: overriding(firewallBase, extra), names: names, fix: fix)
    }

    static let firewalls: [BadInput] = [
        firewall("unknown role", ["--role", "sentry"], names: ["--role 'sentry'"], fix: "use validator or signer"),
        firewall("unknown profile", ["--profile", "strict"], names: ["--profile 'strict'"], fix: "use scoped or lockdown"),
        firewall("unknown format", ["--format", "pf"], names: ["--format 'pf'"], fix: "use nft, iptables or ufw"),
        firewall("a hostname peer", ["--peer-endpoint", "validator.example.com"], names: ["validator.example.com"],
                 fix: "IP"),
        firewall("both tunnel addresses equal", ["--local-tunnel-ip", "10.200.0.1"], names: ["10.200.0.1"],
                 fix: "each end needs its own address"),
        firewall("ssh port with the scoped profile", ["--ssh-port", "2222"], names: ["--ssh-port"],
                 fix: "only apply to --profile lockdown"),
        firewall("a bad interface name", ["--interface", "wg0;drop"], names: ["--interface 'wg0;drop'"],
                 fix: "use 1-15 characters"),
    ]

    static let commands: [BadInput] = [
        BadInput(area: "cli", name: "unknown subcommand", args: ["stat", "show", "x"], names: ["stat"],
                 fix: "sigil --help", status: 64),
        BadInput(area: "cli", name: "misspelt flag", args: ["start", "--confg", "tmkms.toml"], names: ["--confg"],
                 fix: "sigil start --help", status: 64),
        BadInput(area: "cli", name: "init over an existing config", args: ["init", "."], names: ["./tmkms.toml"],
                 fix: "remove it first"),
        BadInput(area: "cli", name: "init into a file", args: ["init", "wg0.conf"], names: ["wg0.conf"],
                 fix: "give a new or existing directory"),
        BadInput(area: "cli", name: "init for an unknown network", args: ["init", "home", "-n", "osmosis"],
                 names: ["--networks `osmosis'"], fix: "use kira"),
        BadInput(area: "cli", name: "guard route to a hostname", args: ["guard", "route", "--interface", "wg0", "validator"],
                 names: ["`validator'"], fix: "give the validator's tunnel address"),
        BadInput(area: "cli", name: "guard laddr on a missing file", args: ["guard", "laddr", "config/config.toml"],
                 names: ["config/config.toml"], fix: "give the path of the node's config.toml"),
        BadInput(area: "cli", name: "demo of no heights", args: ["demo", "--heights=0"], names: ["--heights 0"],
                 fix: "give 1 or more", status: 64),
        BadInput(area: "cli", name: "demo with a 51-byte chain id", args: ["demo", "--chain-id", String(repeating: "c", count: 51)],
                 names: ["--chain-id"], fix: "CometBFT chain ids are 1 to 50", status: 64),
        BadInput(area: "cli", name: "wait-handshake without time", args: ["tunnel", "wait-handshake", "--timeout=0", "wg0.conf"],
                 names: ["--timeout 0.0"], fix: "give seconds from 0.1 to 86400", status: 64),
        BadInput(area: "cli", name: "tunnel down of a link that is not WireGuard", args: ["tunnel", "down", "lo"],
                 names: ["interface lo is not WireGuard (kind none)"], fix: "refusing to delete it"),
        BadInput(area: "cli", name: "tunnel down of a missing interface", args: ["tunnel", "down", "sigilnone0"],
                 names: ["sigilnone0"], fix: "`sigil wg show` lists the WireGuard interfaces"),
    ]
}
