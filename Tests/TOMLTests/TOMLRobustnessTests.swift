import Testing
@testable import TOML

/// Hostile or damaged input must end in a `TOMLError`, never a trap or a stack overflow.
@Suite struct TOMLRobustnessTests {
    static let document = """
        # tmkms.toml
        [[chain]]
        id = "kira-1"
        key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
        numbers = [1, -2_000, 0x1F, 0o7, 0b1, 1.5e3, inf, nan, true]
        text = \"\"\"
        multi \\
          line \\u00e9\"\"\"
        lit = '''
        raw'''
        [providers]
        "quoted key".x = 'v'
        [[providers.softsign]]
        chain_ids = [
          "kira-1", # comment
        ]
        """

    @Test func documentParses() throws {
        let t = try TOML.parse(Self.document, file: "d.toml")
        #expect(t["chain"]?.array?.first?.table?["text"]?.string == "multi line é")
    }

    /// Every prefix of the document either parses or throws a TOMLError with a line inside the document.
    @Test func everyTruncationFailsCleanly() {
        let bytes = Array(Self.document.utf8)
        let lines = Self.document.split(separator: "\n", omittingEmptySubsequences: false).count
        for end in 0..<bytes.count {
            let text = String(decoding: bytes[0..<end], as: UTF8.self)
            do {
                _ = try TOML.parse(text, file: "d.toml")
            } catch let e as TOMLError {
                #expect(e.line >= 1 && e.line <= lines, "\(e)")
            } catch {
                Issue.record("prefix \(end): unexpected \(error)")
            }
        }
    }

    /// Deterministic single-byte corruptions at every position.
    @Test func corruptedBytesFailCleanly() {
        let bytes = Array(Self.document.utf8)
        let replacements: [UInt8] = Array("[]{}\"'=#.,\\\n\r\t 0_x".utf8) + [0, 0x7F]
        for i in 0..<bytes.count {
            for r in replacements where bytes[i] != r {
                var mutated = bytes
                mutated[i] = r
                do {
                    _ = try TOML.parse(String(decoding: mutated, as: UTF8.self), file: "d.toml")
                } catch is TOMLError {
                } catch {
                    Issue.record("byte \(i) -> \(r): unexpected \(error)")
                }
            }
        }
    }

    @Test(arguments: ["a = " + String(repeating: "[", count: 100_000), "a = " + String(repeating: "{ b = ",
        count: 100_000)])
    func deepNestingIsRefused(text: String) {
        #expect(throws: TOMLError.syntax("", 0, "")) { try TOML.parse(text, file: "d.toml") }
        do { _ = try TOML.parse(text, file: "d.toml") } catch {
            #expect("\(error)".contains("nest deeper than 64 levels"))
        }
    }

    @Test func deepDottedKeysAreRefused() {
        let key = Array(repeating: "a", count: 100_000).joined(separator: ".")
        for text in ["\(key) = 1", "[\(key)]", "[[\(key)]]"] {
            #expect(throws: TOMLError.syntax("", 0, "")) { try TOML.parse(text, file: "d.toml") }
        }
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let text = "a = " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        var v = try #require(try TOML.parse(text, file: "d.toml")["a"])
        var levels = 1
        while let inner = v.array?.first { v = inner; levels += 1 }
        #expect(levels == 64)
    }
}
