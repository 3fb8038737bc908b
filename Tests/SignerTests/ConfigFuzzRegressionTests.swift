import SignerConfig
import Testing

/// Inputs found by the tmkms-config fuzz harness (scripts/fuzz.sh), kept as the text that broke an invariant.
@Suite struct ConfigFuzzRegressionTests {
    /// An `addr` holding an escaped newline was quoted with the raw newline, so the error took two lines. Values
    /// are now quoted as the file holds them, in every config error.
    @Test(arguments: [
        "[[validator]]\nchain_id = \"c\"\naddr = \"tcp://f88883b673fc69d7'coqqezr\\ntLLL58\"\n",
    ])
    func controlCharactersInAValueStayEscaped(text: String) throws {
        let error = try #require(throws: ConfigError.self) { try SignerConfig.parse(text, file: "tmkms.toml") }
        #expect(!error.description.contains("\n"), "\(error)")
        #expect(error.description.contains("\\n"), "\(error)")
    }
}
