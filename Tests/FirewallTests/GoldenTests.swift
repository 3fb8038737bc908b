import Foundation
import Testing

@testable import Firewall

/// Rendered rules must match the reviewed files in Golden/. Set SIGIL_UPDATE_GOLDEN=1 to rewrite them, then review
/// the diff: the files are the specification of what each profile allows.
@Test(arguments: GoldenCase.all)
func renderedRulesMatchGolden(_ golden: GoldenCase) throws {
    let rendered = try golden.render()
    if ProcessInfo.processInfo.environment["SIGIL_UPDATE_GOLDEN"] == "1" {
        try rendered.write(to: golden.file, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: golden.file, encoding: .utf8)
    #expect(rendered == expected, "\(golden.name) differs from its golden file")
}

/// The invariants the golden files encode, asserted directly so a wrong regeneration cannot hide them.
@Test(arguments: GoldenCase.nft)
func nftScriptsReplaceOnlyTheSigilTable(_ golden: GoldenCase) throws {
    let script = try golden.render()
    #expect(!script.contains("flush ruleset"))
    let lines = script.split(separator: "\n").map(String.init)
    let create = try #require(lines.firstIndex(of: "table inet sigil {}"))
    let delete = try #require(lines.firstIndex(of: "delete table inet sigil"))
    let define = try #require(lines.firstIndex(of: "table inet sigil {"))
    #expect(create < delete && delete < define)
    #expect(!script.contains("0.0.0.0"))
    #expect(script.contains("policy \(golden.policy.profile == .lockdown ? "drop" : "accept");"))
    #expect(script.contains("hook forward priority filter - 1") == golden.policy.docker)
}

@Test func lockdownKeepsSSHUnlessAskedAndSaysSo() throws {
    let open = NftRenderer.render(GoldenCase.signer(.lockdown))
    #expect(open.contains("tcp dport 22 ct state new accept"))
    #expect(open.contains("does not lock you out"))
    let closed = NftRenderer.render(GoldenCase.signer(.lockdown, ssh: nil))
    #expect(!closed.contains("dport 22"))
}

@Test func validatorAllowsPrivvalOnlyFromThePeerTunnelAddressOnTheInterface() {
    let script = NftRenderer.render(GoldenCase.validator(.scoped))
    #expect(script.contains("iifname \"wg0\" ip saddr 10.200.0.2 ip daddr 10.200.0.1 tcp dport 26659 accept"))
    #expect(script.contains("ip saddr 198.51.100.20 udp dport 51820 accept"))
    #expect(script.contains("udp dport 51820 counter drop"))
    #expect(script.contains("tcp dport 26659 counter drop"))
    // The signer has no listener, so its rules never mention accepting the privval port.
    #expect(!NftRenderer.render(GoldenCase.signer(.scoped)).contains("dport 26659"))
}

@Test func everyIptablesRuleIsTaggedSigil() throws {
    for golden in GoldenCase.iptables {
        let rules = try golden.render().split(separator: "\n").filter { $0.hasPrefix("-A ") || $0.hasPrefix("-I ") }
        #expect(!rules.isEmpty)
        for rule in rules { #expect(rule.contains("-m comment --comment sigil"), "\(golden.name): \(rule)") }
    }
}
