import Foundation
import Testing
import TestSupport

@testable import Firewall

/// The kernel's own parsers judge the rendered rules: `nft -c -f` and `iptables-restore -t` check without applying.
/// Both need CAP_NET_ADMIN, so they run in a fresh network namespace (`unshare -rn` works without root).
enum Tool {
    static var isRoot: Bool { getuid() == 0 }
    static var canRun: Bool { isRoot || Vectors.isCI }

    /// Runs `command` in a throwaway network namespace.
    static func inFreshNetns(_ command: [String]) throws -> (Int32, String) {
        try run("/usr/bin/unshare", (isRoot ? ["-n"] : ["-r", "-n"]) + command)
    }

    static func write(_ text: String, _ name: String, in dir: TempDir) throws -> String {
        let path = dir.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Test(.enabled(if: Tool.canRun), arguments: GoldenCase.nft)
func nftAcceptsRenderedScript(_ golden: GoldenCase) throws {
    let dir = try TempDir("sigil-nft")
    defer { dir.remove() }
    let file = try Tool.write(try golden.render(), golden.name, in: dir)
    let (status, output) = try Tool.inFreshNetns(["nft", "-c", "-f", file])
    #expect(status == 0, "nft -c rejected \(golden.name): \(output)")
}

/// Guards against a check that always passes: a one-character typo must be rejected with a file:line diagnostic.
@Test(.enabled(if: Tool.canRun))
func nftCheckRejectsABrokenScript() throws {
    let dir = try TempDir("sigil-nft")
    defer { dir.remove() }
    let broken = NftRenderer.render(GoldenCase.validator(.scoped)).replacingOccurrences(of: "dport", with: "dprot")
    let file = try Tool.write(broken, "broken.nft", in: dir)
    let (status, output) = try Tool.inFreshNetns(["nft", "-c", "-f", file])
    #expect(status != 0)
    #expect(output.contains("broken.nft:"))
}

@Test(.enabled(if: Tool.canRun), arguments: GoldenCase.iptables)
func iptablesRestoreLoadsRenderedRules(_ golden: GoldenCase) throws {
    let dir = try TempDir("sigil-ipt")
    defer { dir.remove() }
    let file = try Tool.write(try golden.render(), golden.name, in: dir)
    let tool = golden.name.hasSuffix(".ip6tables") ? "ip6tables" : "iptables"
    // Load for real (not only -t) in the throwaway namespace, then read the chain back.
    let script = (golden.policy.docker ? "\(tool) -N DOCKER-USER && " : "")
        + "\(tool)-restore -t -n \(file) && \(tool)-restore -n \(file) && \(tool) -S"
    let (status, output) = try Tool.inFreshNetns(["sh", "-c", script])
    try #require(status == 0, "\(tool)-restore rejected \(golden.name): \(output)")
    #expect(output.contains("-A INPUT -m comment --comment sigil -j SIGIL-INPUT"))
    #expect(output.contains("-A DOCKER-USER -m comment --comment sigil -j SIGIL-FORWARD") == golden.policy.docker)
    let ruleCount = output.split(separator: "\n").filter { $0.hasPrefix("-A SIGIL-INPUT") }.count
    let renderedCount = try golden.render().split(separator: "\n").filter { $0.hasPrefix("-A SIGIL-INPUT") }.count
    #expect(ruleCount == renderedCount)
}
