import Testing
import TOML

/// Inputs found by the libFuzzer harnesses (scripts/fuzz.sh), kept as the bytes that broke an invariant.
@Suite struct FuzzRegressionTests {
    /// tmkms-config harness: a quoted key holding an escaped newline, not followed by `=`, gave an error message
    /// spanning two lines. Keys in messages are now written as TOML writes them.
    @Test func quotedKeyWithNewlineStaysOnOneLine() throws {
        let input: [UInt8] = [0x22, 0x63, 0x6F, 0x64, 0x73, 0x65, 0x7A, 0x72, 0x5C, 0x6E, 0x22,
                              0x63, 0x6F, 0x64, 0x73, 0x65, 0x7A, 0x72, 0x5C, 0x74]  // "codsezr\n"codsezr\t
        let error = try #require(throws: TOMLError.self) {
            try TOML.parse(String(decoding: input, as: UTF8.self), file: "in.toml")
        }
        #expect(error.code == .syntax && error.line == 1)
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains(#"after key `"codsezr\n"`"#))
    }

    @Test func redefinedQuotedTableStaysOnOneLine() throws {
        let error = try #require(throws: TOMLError.self) {
            try TOML.parse("[\"a\\nb\"]\n[\"a\\nb\"]\n", file: "in.toml")
        }
        #expect(error.code == .redefinition && error.line == 2)
        #expect(error.description.contains(#"table ["a\nb"] is defined twice"#))
    }
}
