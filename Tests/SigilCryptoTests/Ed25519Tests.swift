import SigilCrypto
import TestSupport
import Testing

@Suite struct Ed25519Tests {
    struct RFCFile: Decodable { let vectors: [RFCVector] }
    struct RFCVector: Decodable {
        let name: String
        let secret_key: String
        let public_key: String
        let message_length: Int
        let message: String
        let signature: String
    }

    static let rfc = "ed25519/rfc8032.json"

    @Test(.enabled(if: Vectors.available(rfc)))
    func rfc8032() throws {
        let vectors = try Vectors.decode(RFCFile.self, Self.rfc).vectors
        #expect(vectors.map(\.name) == ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"])
        for v in vectors {
            let message = [UInt8](hex: v.message)
            #expect(message.count == v.message_length, "\(v.name): message length")
            let key = try Ed25519.PrivateKey(seed: [UInt8](hex: v.secret_key))
            #expect(key.publicKey.rawRepresentation.hexString == v.public_key, "\(v.name): public key")
            #expect(key.seed.unsafeCopy.hexString == v.secret_key, "\(v.name): seed round trip")
            let signature = key.signature(for: message)
            #expect(signature.hexString == v.signature, "\(v.name): signature")
            let publicKey = try Ed25519.PublicKey(rawRepresentation: [UInt8](hex: v.public_key))
            #expect(publicKey.isValidSignature(signature, for: message), "\(v.name): verifies")
            var bent = signature
            bent[0] ^= 0x01
            #expect(!publicKey.isValidSignature(bent, for: message), "\(v.name): altered R rejected")
            #expect(!publicKey.isValidSignature(signature, for: message + [0]), "\(v.name): altered message rejected")
        }
    }

    @Test func lengthsAreChecked() {
        expectCryptoError(.invalidKeyLength) {
            try Ed25519.PrivateKey(seed: [UInt8](repeating: 1, count: 31))
        }
        expectCryptoError(.invalidKeyLength) {
            try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33))
        }
        let key = Ed25519.PrivateKey.generate()
        let signature = key.signature(for: [1, 2, 3])
        #expect(key.publicKey.isValidSignature(signature, for: [1, 2, 3]))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: [1, 2, 3]))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: [1, 2, 3]))
    }

    @Test func errorNamesTheProblem() {
        do {
            _ = try Ed25519.PrivateKey(seed: [0, 1, 2])
            Issue.record("a 3-byte seed was accepted")
        } catch {
            #expect("\(error)" == "Ed25519 seed must be 32 bytes, got 3")
        }
    }

    // MARK: Wycheproof

    struct Group: WycheproofGroup {
        struct Key: Decodable { let pk: HexBytes }
        let publicKey: Key
        let tests: [Test]
    }
    struct Test: WycheproofTest {
        let tcId: Int
        let comment: String
        let flags: [String]
        let result: WycheproofResult
        let msg: HexBytes
        let sig: HexBytes
    }

    @Test(.enabled(if: Vectors.available("wycheproof/ed25519_test.json")))
    func wycheproof() throws {
        let file = try WycheproofFile<Group>.load("ed25519_test.json")
        #expect(file.algorithm == "EDDSA")
        try file.forEach { group, test in
            let key = try Ed25519.PublicKey(rawRepresentation: group.publicKey.pk.bytes)
            let verified = key.isValidSignature(test.sig.bytes, for: test.msg.bytes)
            switch test.result {
            case .valid: #expect(verified, "\(test.name) must verify")
            case .invalid: #expect(!verified, "\(test.name) must be rejected")
            case .acceptable: Issue.record("\(test.name): this file has no acceptable cases; decide and assert one")
            }
        }
    }
}
