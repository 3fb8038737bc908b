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
    /// Docs/ stands alone: no path out of the repository, no web links an operator would need to follow.
    @Test func docsPointNowhereOutsideTheRepository() throws {
        let dir = "\(DocRunner.repository)/Docs"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".md") }
        #expect(names.count >= 9)
        for name in names {
            let lines = try String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8).components(separatedBy: "\n")
            for (i, line) in lines.enumerated() where ["../", "http://", "https://"].contains(where: line.contains) {
                Issue.record("Docs/\(name):\(i + 1) points outside the repository: \(line)")
            }
        }
    }
}
