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
