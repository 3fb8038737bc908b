import SigilCrypto
import TestSupport
import Testing

@Suite struct ChaChaPolyTests {
    struct RFCFile: Decodable { let vectors: [RFCVector] }
    struct RFCVector: Decodable {
        let name: String
        let key: String
        let nonce: String
        let aad: String
        let plaintext: String
        let ciphertext: String
        let tag: String
    }

    static let rfc = "aead/rfc8439.json"

    /// Section 2.8.2 (encryption) and appendix A.5 (decryption). The files also give each Poly1305 one-time key;
    /// SigilCrypto exposes only the AEAD, so that intermediate is covered by the tag instead.
    @Test(.enabled(if: Vectors.available(rfc)))
    func rfc8439() throws {
        let vectors = try Vectors.decode(RFCFile.self, Self.rfc).vectors
        #expect(vectors.count == 2)
        for v in vectors {
            let key = SecureBytes(copying: [UInt8](hex: v.key))
            let nonce = [UInt8](hex: v.nonce)
            let aad = [UInt8](hex: v.aad)
            let plaintext = [UInt8](hex: v.plaintext)
            let sealed = [UInt8](hex: v.ciphertext) + [UInt8](hex: v.tag)
            let out = try ChaChaPoly.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
            #expect(out.hexString == sealed.hexString, "\(v.name): seal")
            #expect(try ChaChaPoly.open(key: key, nonce: nonce, sealed: sealed, aad: aad) == plaintext, "\(v.name)")
            var forged = sealed
            forged[forged.count - 1] ^= 0x80
            expectCryptoError(.authenticationFailure, "\(v.name): forged tag") {
                try ChaChaPoly.open(key: key, nonce: nonce, sealed: forged, aad: aad)
            }
            expectCryptoError(.authenticationFailure, "\(v.name): other aad") {
                try ChaChaPoly.open(key: key, nonce: nonce, sealed: sealed, aad: aad + [0])
            }
        }
    }

    @Test func badLengthsAreErrors() {
        let key = SecureBytes(copying: [UInt8](repeating: 7, count: 32))
        let nonce = [UInt8](repeating: 0, count: 12)
        expectCryptoError(.invalidKeyLength) {
            try ChaChaPoly.seal(key: SecureBytes(count: 16), nonce: nonce, plaintext: [1])
        }
        expectCryptoError(.invalidNonceLength) {
            try ChaChaPoly.seal(key: key, nonce: [0, 0, 0, 0, 0, 0, 0, 0], plaintext: [1])
        }
        expectCryptoError(.authenticationFailure) {
            try ChaChaPoly.open(key: key, nonce: nonce, sealed: [UInt8](repeating: 0, count: 15))
        }
    }

    @Test func emptyPlaintextIsJustATag() throws {
        let key = SecureBytes(copying: [UInt8](repeating: 7, count: 32))
        let nonce = [UInt8](repeating: 1, count: 12)
        let sealed = try ChaChaPoly.seal(key: key, nonce: nonce, plaintext: [])
        #expect(sealed.count == ChaChaPoly.tagLength)
        #expect(try ChaChaPoly.open(key: key, nonce: nonce, sealed: sealed) == [])
    }

    // MARK: Wycheproof

    struct Group: WycheproofGroup {
        let ivSize: Int
        let keySize: Int
        let tagSize: Int
        let tests: [Test]
    }
    struct Test: WycheproofTest {
        let tcId: Int
        let comment: String
        let flags: [String]
        let result: WycheproofResult
        let key: HexBytes
        let iv: HexBytes
        let aad: HexBytes
        let msg: HexBytes
        let ct: HexBytes
        let tag: HexBytes
    }

    /// Valid cases must seal to ct ‖ tag and open back; invalid ones are either a 96-bit-nonce violation, which
    /// both directions refuse with `.invalidNonceLength`, or a tampered tag/ciphertext that `open` refuses.
    @Test(.enabled(if: Vectors.available("wycheproof/chacha20_poly1305_test.json")))
    func wycheproof() throws {
        let file = try WycheproofFile<Group>.load("chacha20_poly1305_test.json")
        #expect(file.algorithm == "CHACHA20-POLY1305")
        try file.forEach { group, test in
            #expect(group.keySize == 256 && group.tagSize == 128, "\(test.name)")
            let key = SecureBytes(copying: test.key.bytes)
            let sealed = test.ct.bytes + test.tag.bytes
            switch test.result {
            case .valid:
                let out = try ChaChaPoly.seal(
                    key: key, nonce: test.iv.bytes, plaintext: test.msg.bytes, aad: test.aad.bytes)
                #expect(out == sealed, "\(test.name): seal")
                let opened = try ChaChaPoly.open(key: key, nonce: test.iv.bytes, sealed: sealed, aad: test.aad.bytes)
                #expect(opened == test.msg.bytes, "\(test.name): open")
            case .invalid where group.ivSize != 96:
                #expect(test.flags.contains("InvalidNonceSize"), "\(test.name)")
                expectCryptoError(.invalidNonceLength, "\(test.name): seal") {
                    try ChaChaPoly.seal(
                        key: key, nonce: test.iv.bytes, plaintext: test.msg.bytes, aad: test.aad.bytes)
                }
                expectCryptoError(.invalidNonceLength, "\(test.name): open") {
                    try ChaChaPoly.open(key: key, nonce: test.iv.bytes, sealed: sealed, aad: test.aad.bytes)
                }
            case .invalid:
                expectCryptoError(.authenticationFailure, "\(test.name) must be refused") {
                    try ChaChaPoly.open(key: key, nonce: test.iv.bytes, sealed: sealed, aad: test.aad.bytes)
                }
            case .acceptable:
                Issue.record("\(test.name): this file has no acceptable cases; decide and assert one")
            }
        }
    }
}
