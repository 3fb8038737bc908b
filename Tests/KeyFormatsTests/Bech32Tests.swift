import Foundation
import KeyFormats
import SigilCrypto
import Testing
import TestSupport

struct Bech32Tests {
    @Test(.enabled(if: Vectors.available("keys/bech32.json")))
    func upstreamBech32Vectors() throws {
        let vectors = object(try Vectors.json("keys/bech32.json"))["vectors"] as? [Object] ?? []
        #expect(vectors.count == 3)
        for v in vectors {
            let text = try #require(v["bech32"] as? String)
            let hrp = try #require(v["hrp"] as? String)
            let data: [UInt8] = switch v["key_type"] as? String {
            case "ed25519": ConsensusPubKey.aminoPrefix + [UInt8](hex: v["pubkey_hex"] as? String ?? "")
            case "secp256k1": [0xEB, 0x5A, 0xE9, 0x87, 0x21] + [UInt8](hex: v["pubkey_hex"] as? String ?? "")
            default: [UInt8](hex: v["address_hex"] as? String ?? "")
            }
            #expect(Bech32.encode(hrp: hrp, data: data) == text)
            let decoded = try Bech32.decode(text)
            #expect(decoded.hrp == hrp)
            #expect(decoded.data == data)
        }
    }

    /// The valid test strings of BIP-173: checksum verifies, and re-encoding gives the lower-case form.
    @Test(arguments: [
        "A12UEL5L", "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11" + String(repeating: "q", count: 82) + "c8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl",
    ])
    func bip173Valid(text: String) throws {
        let (hrp, data) = try Bech32.decode(text)
        #expect(Bech32.encode(hrp: hrp, data: data) == text.lowercased())
    }

    /// The invalid test strings of BIP-173, except the 84-character HRP one: Cosmos SDK lifts the
    /// 90-character limit to 1023, and so do we.
    @Test(arguments: [
        "\u{20}1nwldj5", "\u{7F}1axkwrx", "\u{80}1eym55h", "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v",
        "li1dgmt3", "de1lg7wt\u{FF}", "A1G7SGD8", "10a06t8", "1qzzfhee",
    ])
    func bip173Invalid(text: String) {
        #expect(errorCode { try Bech32.decode(text) } == .invalidBech32)
    }

    @Test func errorsQuoteTheInput() {
        let mixed = "kiravalconspub1ZCJduepq244yxmcjrrfsjsh0u7vyyr63mjdk5vgmj2w90qjhg47st30u7gcq43qlfd"
        let error = keyFormatError { try Bech32.decode(mixed) }
        #expect(error?.description.contains(mixed) == true)
        #expect(error?.description.contains("mixes upper and lower case") == true)
        var flipped = Array("kiravalconspub1zcjduepq244yxmcjrrfsjsh0u7vyyr63mjdk5vgmj2w90qjhg47st30u7gcq43qlfd")
        flipped[20] = flipped[20] == "q" ? "p" : "q"
        #expect(keyFormatError { try Bech32.decode(String(flipped)) }?.description.contains("checksum") == true)
    }
}
