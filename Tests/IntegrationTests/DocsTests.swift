import Foundation
import Testing
import TestSupport

/// Every shell block of README.md, Docs/operator-guide.md, Docs/migrate-from-tmkms.md and Docs/production.md run
/// as written (DocRunner), on network namespaces standing in for the machines, with a validator stand-in where
/// sekaid would be. One suite, serialized: the migration test runs a process named `tmkms`, which the other docs'
/// `sigil check` would rightly report.
@Suite(.serialized, .enabled(if: getuid() == 0 || Vectors.isCI))
struct DocsTests {
    let id = String(UUID().uuidString.prefix(6)).lowercased()
}

extension DocsTests {
    /// Docs/ stands alone: no path out of the repository, no web links an operator would need to follow. A URL
    /// whose host is an IP address (an etcd member's client URL in a config example) is an address, not a link.
    @Test func docsPointNowhereOutsideTheRepository() throws {
        let dir = "\(DocRunner.repository)/Docs"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".md") }
        #expect(names.count >= 9)
        let link = try NSRegularExpression(pattern: #"https?://(?![0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}[/:"]|\[[0-9a-fA-F:]+\])"#)
        for name in names {
            let lines = try String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8).components(separatedBy: "\n")
            for (i, line) in lines.enumerated()
            where line.contains("../") || link.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
                Issue.record("Docs/\(name):\(i + 1) points outside the repository: \(line)")
            }
        }
    }
}
