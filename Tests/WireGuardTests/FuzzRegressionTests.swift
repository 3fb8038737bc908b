import Testing
import WireGuard

private let key = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="

/// Inputs found by the libFuzzer harnesses (scripts/fuzz.sh), kept as the bytes that broke an invariant.
@Suite struct FuzzRegressionTests {
    /// wg-config harness: a private key on an Address (or AllowedIPs) line was quoted whole by
    /// "is not an address like ...". Key-shaped values are now shown by length only.
    @Test(arguments: [
        "[Interface]\nPrivateKey = \(key)\nAddress = \(key)\n",
        "[Interface]\nPrivateKey = \(key)\nAddress = 10.0.0.1/24, \(key)\n",
        "[Interface]\nPrivateKey = \(key)\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
            + "AllowedIPs = \(key)\n",
        // Later finds: the key glued to more text after its padding, or followed by a long run of `=`.
        "[Interface]\nPrivateKey = \(key)\nAddress = D6poTtKIZ7l/SmteKey = \(key)WWWWWWWW\n",
        "[Interface]\nPrivateKey = \(key)\nAddress = 09/2=\(key)=================00ess\n",
    ])
    func keyOnAnAddressLineIsNotPrinted(config: String) throws {
        let error = try #require(throws: WireGuardError.self) {
            try TunnelConfig.parse(config, name: "wg0", file: "wg0.conf")
        }
        #expect(error.code == .config)
        #expect(!error.description.contains("yAnz5TF+lXXJte14"))
        #expect(error.description.contains("characters, not shown"))
    }

    /// The first wg-config finding: a mistyped PresharedKey name printed the key with the line.
    @Test func mistypedPresharedKeyNameIsNotPrinted() throws {
        let config = "[Interface]\nPrivateKey = \(key)\n\n[Peer]\n"
            + "PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
            + "Pre)haredKey = MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=\n"
        let error = try #require(throws: WireGuardError.self) {
            try TunnelConfig.parse(config, name: "wg0", file: "wg0.conf")
        }
        #expect(!error.description.contains("MzMzMzMzMzMzMzMz"))
    }
}
