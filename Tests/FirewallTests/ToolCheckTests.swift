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

/// ufw's own parser on every generated command, via `--dry-run`. ufw is not in the test dependencies, so this
/// runs where it is installed. Even a dry run rewrites ufw.conf on `enable`, so ufw gets private copies of its
/// configuration in a private mount namespace (and a private network namespace for the rules it prints).
enum Ufw {
    static var available: Bool { Tool.isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ufw") }

    /// Runs each `ufw` command of `script` with --dry-run; returns the commands ufw rejected, with its reason.
    static func rejected(_ script: String) throws -> [String] {
        let dir = try TempDir("sigil-ufw")
        defer { dir.remove() }
        let commands = script.split(separator: "\n").filter { $0.hasPrefix("ufw ") }
            .map { "ufw --dry-run " + $0.dropFirst(4) }
        // One command per line, each ending in a newline: `read` drops an unterminated last line.
        try commands.map { $0 + "\n" }.joined().write(toFile: dir.path("commands"), atomically: true, encoding: .utf8)
        let runner = """
            cp -a /etc/ufw \(dir.path("etc-ufw")) && cp -a /etc/default/ufw \(dir.path("default-ufw"))
            mount --bind \(dir.path("etc-ufw")) /etc/ufw && mount --bind \(dir.path("default-ufw")) /etc/default/ufw
            while read -r line; do
                eval "$line" > /dev/null 2> \(dir.path("err")) || echo "REJECTED: $line: $(cat \(dir.path("err")))"
            done < \(dir.path("commands"))
            """
        let (status, output) = try run("/usr/bin/unshare", ["-n", "-m", "sh", "-c", runner])
        guard status == 0 else { return ["runner failed: \(output)"] }
        return output.split(separator: "\n").filter { $0.hasPrefix("REJECTED") }.map(String.init)
    }
}

@Test(.enabled(if: Ufw.available), arguments: GoldenCase.all.filter { $0.format == .ufw })
func ufwAcceptsEveryGeneratedCommand(_ golden: GoldenCase) throws {
    let script = try golden.render()
    #expect(script.split(separator: "\n").filter { $0.hasPrefix("ufw ") }.count >= 3)
    #expect(try Ufw.rejected(script) == [], "\(golden.name)")
}

@Test(.enabled(if: Ufw.available))
func ufwDryRunRejectsABrokenCommand() throws {
    let broken = "ufw prepend allow in on wg0 proto tcp from 10.200.0.2 to 10.200.0.1 prot 26659\n"
    #expect(try Ufw.rejected(broken).count == 1)
}
