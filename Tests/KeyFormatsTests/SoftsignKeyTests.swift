import Foundation
import KeyFormats
import SigilCrypto
import Testing
import TestSupport

struct SoftsignKeyTests {
    static let derived = "keys/derived-key-values.json"

    /// tmkms test fixtures, loaded as Ed25519 seeds; public keys from keys/derived-key-values.json.
    @Test(.enabled(if: Vectors.available(derived)), arguments: [
        ("keys/tmkms/signing_ed25519.key", "cba8cec72988a6cd9a61902f38ebc383bb4e3ccabb5a78df69500fd5d5c6ec1e"),
        ("keys/tmkms/secret_connection.key", "f5a673af4e44f5cb78ae5467b3de9b444fb22dece1663ed40d9a5eac4a04e60c"),
    ])
    func tmkmsFixturesLoad(file: String, publicKeyHex: String) throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.copy(vector: file)
        let key = try SoftsignKey.load(path)
        #expect(key.publicKey.rawRepresentation == [UInt8](hex: publicKeyHex))
        // Re-encoding gives back the file byte for byte (no trailing newline, as tmkms writes it).
        #expect(try SoftsignKey.encode(seed: key.seed) == Array(try Vectors.data(file)))
    }

    @Test(.enabled(if: Vectors.available(derived)))
    func writtenFilesMatchWhatTmkmsWrites() throws {
        let keys = object(try Vectors.json(Self.derived))["keys"] as? [Object] ?? []
        let s = try Scratch()
        defer { s.dir.remove() }
        for (i, k) in keys.enumerated() {
            let key = try Ed25519.PrivateKey(seed: [UInt8](hex: try #require(k["seed_hex"] as? String)))
            let path = s.dir.path("k\(i).key")
            try SoftsignKey.write(key, path: path)
            #expect(try s.mode(path) == 0o600)
            let written = try #require(FileManager.default.contents(atPath: path))
            #expect(String(decoding: written, as: UTF8.self) == k["tmkms_softsign_key_file_content"] as? String)
            #expect(try SoftsignKey.load(path).publicKey == key.publicKey)
            #expect(errorCode { try SoftsignKey.write(key, path: path) } == .alreadyExists)
        }
    }

    @Test func trailingWhitespaceIsTrimmed() throws {
        let content = "nYNNP8rE7iVTa3DhU3b+u2l4YatXNAXYuJKQQX/RYHA="
        let key = try SoftsignKey.decode(Array((content + "\n \r\n\t").utf8), path: "k")
        #expect(ConsensusPubKey(key.publicKey).base64 == "VWpDbxIY0wlC7+eYQg9R3JtqMRuSnFeCV0V9BcX88jA=")
        #expect(errorCode { try SoftsignKey.decode(Array((" " + content).utf8), path: "k") } == .invalidEncoding)
    }

    @Test func truncatedFileIsRejectedWithoutQuotingIt() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.file("cut.key", Array("nYNNP8rE7iVTa3DhU3b+u2l4YatXNA".utf8))
        let error = try #require(keyFormatError { try SoftsignKey.load(path) })
        #expect(error.code == .invalidEncoding)
        #expect(error.description.contains(path))
        #expect(!error.description.contains("nYNNP8"))
        // Valid base64 of too few bytes.
        let short = try s.file("short.key", Array(Base64.encode([UInt8](repeating: 7, count: 16)).utf8))
        #expect(errorCode { try SoftsignKey.load(short) } == .invalidKeyLength)
        let empty = try s.file("empty.key", [])
        #expect(errorCode { try SoftsignKey.load(empty) } == .invalidKeyLength)
    }

    /// Pasting priv_validator_key.json's 64-byte priv_key.value into a key file must not quietly make another key.
    @Test(.enabled(if: Vectors.available("keys/tmkms/priv_validator_mock.json")))
    func sixtyFourByteValueIsRejectedWithImportHint() throws {
        let json = object(try Vectors.json("keys/tmkms/priv_validator_mock.json"))
        let value = try #require(object(json["priv_key"])["value"] as? String)
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.file("pasted.key", Array(value.utf8))
        let error = try #require(keyFormatError { try SoftsignKey.load(path) })
        #expect(error.code == .invalidKeyLength)
        #expect(error.description.contains("64 bytes"))
        #expect(error.description.contains("softsign import"))
        #expect(error.description.contains(path))
    }

    @Test func worldReadableKeyFileIsRefused() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.file("open.key", Array("nYNNP8rE7iVTa3DhU3b+u2l4YatXNAXYuJKQQX/RYHA=".utf8), mode: 0o644)
        let error = try #require(keyFormatError { try SoftsignKey.load(path) })
        #expect(error.code == .insecurePermissions)
        #expect(error.description.contains("chmod 600 \(path)"))
    }
}
