import Foundation
import Testing
import TestSupport

/// `--help` and `help` print the command's help on stdout and exit 0 (they once came out as an `error:` line,
/// because the one place that prints errors took ArgumentParser's help request for a failure).
@Suite struct HelpTests {
    @Test(arguments: [
        (["--help"], "USAGE: sigil <subcommand>"),
        (["tunnel", "up", "--help"], "USAGE: sigil tunnel up"),
        (["state", "set", "-h"], "USAGE: sigil state set"),
        (["help", "guard", "laddr"], "USAGE: sigil guard laddr"),
        (["start", "--help"], "USAGE: sigil start"),
    ])
    func helpPrintsUsage(_ arguments: [String], _ usage: String) throws {
        let (status, output) = try run(Built.sigil.path, arguments)
        #expect(status == 0, "sigil \(arguments.joined(separator: " ")): \(output)")
        #expect(output.contains(usage), "\(output)")
        #expect(!output.contains("error:"), "\(output)")
    }

    @Test func versionPrintsVersion() throws {
        let (status, output) = try run(Built.sigil.path, ["version"])
        #expect(status == 0)
        #expect(output.hasPrefix("sigil "), "\(output)")
    }
}
