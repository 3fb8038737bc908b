import SigilCrypto
import Testing

@Suite struct Base64Tests {
    /// RFC 4648 section 10.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648(plain: String, encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func wireGuardKeyShape() throws {
        let key = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let text = Base64.encode(key)
        #expect(text.count == 44 && text.hasSuffix("="))
        #expect(try Base64.decode(text) == key)
        expectCryptoError(.invalidEncoding) { try Base64.decode(String(text.dropLast())) }
    }

    /// Each of these decodes under a lenient decoder; `wg` and Sigil refuse them.
    @Test(arguments: [
        ("Zg", "missing padding"),
        ("Zm8", "missing padding"),
        ("Zh==", "non-zero trailing bits (canonical form Zg==)"),
        ("Zm9=", "non-zero trailing bits (canonical form Zm8=)"),
        ("Zm9v!", "trailing garbage"),
        ("Zm9vYg==Zm9v", "data after padding"),
        ("Zm9vYg===", "extra padding"),
        ("Zm9v\n", "trailing newline"),
        (" Zm9v", "leading space"),
        ("Zm9v-_==", "URL-safe alphabet"),
        ("=", "padding only"),
    ])
    func rejects(input: String, why: String) {
        expectCryptoError(.invalidEncoding, "\(why): \(input.debugDescription)") {
            try Base64.decode(input)
        }
    }

    @Test func errorQuotesTheInput() {
        do {
            _ = try Base64.decode("Zm9v!")
            Issue.record("accepted trailing garbage")
        } catch {
            #expect("\(error)" == "base64 `Zm9v!' is not valid: expected standard base64 with '=' padding "
                + "and no spaces, as `wg genkey` prints")
        }
    }
}

@Suite struct HexTests {
    @Test func encode() {
        #expect(Hex.encode([0x00, 0x01, 0xAB, 0xFF]) == "0001abff")
        #expect(Hex.encode([0x00, 0x01, 0xAB, 0xFF], uppercase: true) == "0001ABFF")
        #expect(Hex.encode([]) == "")
    }

    @Test func decodeEitherCase() throws {
        #expect(try Hex.decode("0001abff") == [0x00, 0x01, 0xAB, 0xFF])
        #expect(try Hex.decode("0001ABff") == [0x00, 0x01, 0xAB, 0xFF])
        #expect(try Hex.decode("") == [])
    }

    @Test(arguments: ["0", "abc", "zz", "0x12", "12 34", "12\n", "gg00"])
    func rejects(input: String) {
        expectCryptoError(.invalidEncoding, "\(input.debugDescription)") {
            try Hex.decode(input)
        }
    }

    @Test func errorQuotesTheInput() {
        do {
            _ = try Hex.decode("12xy")
            Issue.record("accepted non-hex")
        } catch {
            #expect("\(error)" == "hex `12xy' is not valid: expected an even number of hex digits (0-9, a-f, A-F)")
        }
    }
}
