import Foundation
import Testing
import TestSupport

/// README.md's shell blocks, run as written from the checkout.
extension DocsTests {
    @Test func readmeAsDocumented() throws {
        let m = try Machine("srm-\(id)")
        defer { m.destroy(); DocRunner.cleanUp(m) }
        try DocRunner.prepare(m)
        let doc = try DocRunner(doc: "README.md", machine: m)
        var ran = 0
        try doc.run(after: { _, block, out in
            ran += 1
            if block.text.hasPrefix("swift --version") { #expect(out.contains("Swift version 6"), "\(out)") }
            if block.text.hasPrefix("sigil demo") {
                #expect(out.contains("validator: committed height 2 (proposal, prevote and precommit signatures verified)"),
                        "\(out)")
            }
        })
        #expect(ran == 2, "swift --version and sigil demo run; \(doc.skipped)")
        doc.checkQuotedMessages()
    }
}
