import Foundation
import KeyFormats
import SigilCrypto
import Testing
import TestSupport

struct ValidatorKeyFileTests {
    /// Upstream priv_validator_key.json fixtures with the public key / address upstream states for them.
    @Test(.enabled(if: Vectors.available("keys/expected-values.json")), arguments: [
        "keys/cometbft/test_priv_validator_key.json",
        "keys/tendermint-rs/priv_validator_key.ed25519.json",
        "keys/tmkms/priv_validator_mock.json",
    ])
    func upstreamFixturesParse(file: String) throws {
        let fixtures = object(try Vectors.json("keys/expected-values.json"))["fixtures"] as? [Object] ?? []
        let states = object(try #require(fixtures.first { $0["file"] as? String == file })["upstream_states"])
        let s = try Scratch()
        defer { s.dir.remove() }
        let key = try ValidatorKeyFile.load(try s.copy(vector: file)).publicKey
        if let hex = states["consensus_pubkey_hex_upper"] as? String { #expect(key.hex == hex) }
        if let b64 = states["pub_key_base64"] as? String { #expect(key.base64 == b64) }
        if let address = states["address"] as? String { #expect(key.addressHex == address) }
        #expect(!states.isEmpty)
    }

    @Test(.enabled(if: Vectors.available("keys/tendermint-rs/node_key.json")))
    func nodeKeyWithoutPublicFieldsParses() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let key = try ValidatorKeyFile.load(try s.copy(vector: "keys/tendermint-rs/node_key.json"))
        #expect(key.publicKey.addressHex.lowercased() == "1a7b6bcf3d6fb055ab3aebca415847531b626699")
    }

    @Test(.enabled(if: Vectors.available("keys/tendermint-rs/priv_validator_key.secp256k1.json")))
    func secp256k1IsRejectedClearly() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.copy(vector: "keys/tendermint-rs/priv_validator_key.secp256k1.json")
        let error = try #require(keyFormatError { try ValidatorKeyFile.load(path) })
        #expect(error.code == .unsupportedKeyType)
        #expect(error.description.contains("tendermint/PrivKeySecp256k1"))
        #expect(error.description.contains("Ed25519 only"))
        #expect(error.description.contains(path))
    }

    /// The derived priv_validator_key.json objects: the seed comes back, and rendering reproduces the JSON.
    @Test(.enabled(if: Vectors.available("keys/derived-key-values.json")))
    func derivedKeyFilesRoundTrip() throws {
        let keys = object(try Vectors.json("keys/derived-key-values.json"))["keys"] as? [Object] ?? []
        #expect(keys.count == 4)
        for k in keys {
            let json = try JSONSerialization.data(withJSONObject: try #require(k["priv_validator_key_json"]))
            let file = try ValidatorKeyFile.parse(Array(json), path: "derived")
            #expect(file.privateKey.seed.unsafeCopy.hexString == k["seed_hex"] as? String)
            let again = try ValidatorKeyFile.parse(file.rendered(), path: "rendered")
            #expect(again.publicKey == file.publicKey)
            let rendered = try JSONSerialization.jsonObject(with: Data(file.rendered())) as? NSDictionary
            #expect(rendered == k["priv_validator_key_json"] as? NSDictionary)
        }
    }

    static let good = """
        {"address":"DC52D5CF8DFD1793D71038B342A29B01AD8A5D63",
         "pub_key":{"type":"tendermint/PubKeyEd25519","value":"VWpDbxIY0wlC7+eYQg9R3JtqMRuSnFeCV0V9BcX88jA="},
         "priv_key":{"type":"tendermint/PrivKeyEd25519",
          "value":"nYNNP8rE7iVTa3DhU3b+u2l4YatXNAXYuJKQQX/RYHBVakNvEhjTCULv55hCD1Hcm2oxG5KcV4JXRX0FxfzyMA=="}}
        """

    @Test func inconsistentFilesAreRejected() throws {
        #expect(throws: Never.self) { try ValidatorKeyFile.parse(Array(Self.good.utf8), path: "p") }
        let cases: [(String, String, KeyFormatError.Code)] = [
            ("DC52D5CF8DFD1793D71038B342A29B01AD8A5D63", "DC52D5CF8DFD1793D71038B342A29B01AD8A5D64", .addressMismatch),
            ("VWpDbxIY0wlC7+eYQg9R3JtqMRuSnFeCV0V9BcX88jA=\"}", "y6jOxymIps2aYZAvOOvDg7tOPMq7WnjfaVAP1dXG7B4=\"}",
             .keyMismatch),
            ("HBVakNvEhjTCULv55hCD1Hcm2oxG5KcV4JXRX0FxfzyMA==", "HDLqM7HKYimzZphkC8468ODu048yrtaeN9pUA/V1cbsHg==",
             .keyMismatch),
            ("HBVakNvEhjTCULv55hCD1Hcm2oxG5KcV4JXRX0FxfzyMA==", "HA=", .invalidKeyLength),
            ("HBVakNvEhjTCULv55hCD1Hcm2oxG5KcV4JXRX0FxfzyMA==", "HBVakNvEhjTC", .invalidEncoding),
            ("tendermint/PrivKeyEd25519", "cometbft/PrivKeyBn254", .unsupportedKeyType),
            ("{\"address\"", "[\"address\"", .invalidJSON),
        ]
        for (from, to, code) in cases {
            let text = Self.good.replacingOccurrences(of: from, with: to)
            #expect(text != Self.good)
            let error = keyFormatError { try ValidatorKeyFile.parse(Array(text.utf8), path: "/etc/pv.json") }
            #expect(error?.code == code, "\(to)")
            #expect(error?.description.contains("/etc/pv.json") == true, "\(to)")
            #expect(error?.description.contains("nYNNP8rE7iVTa3DhU3b") == false, "error must not quote the key")
        }
    }

    @Test func writtenKeyFileLoadsBackAndIsNeverOverwritten() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let key = Ed25519.PrivateKey.generate()
        let path = s.dir.path("priv_validator_key.json")
        try ValidatorKeyFile(privateKey: key).write(path: path)
        #expect(try s.mode(path) == 0o600)
        #expect(try ValidatorKeyFile.load(path).privateKey.seed.unsafeCopy == key.seed.unsafeCopy)
        let other = ValidatorKeyFile(privateKey: .generate())
        #expect(errorCode { try other.write(path: path) } == .alreadyExists)
        #expect(try ValidatorKeyFile.load(path).publicKey == ConsensusPubKey(key.publicKey))
    }

    @Test func worldReadableValidatorKeyIsRefused() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.file("priv_validator_key.json", Array(Self.good.utf8), mode: 0o644)
        #expect(errorCode { try ValidatorKeyFile.load(path) } == .insecurePermissions)
        let ok = try s.file("ok.json", Array(Self.good.utf8), mode: 0o600)
        #expect(try ValidatorKeyFile.load(ok).publicKey.addressHex == "DC52D5CF8DFD1793D71038B342A29B01AD8A5D63")
    }
}
