import SigilCrypto
import TestSupport
import Testing

@Suite struct HKDFTests {
    struct RFCFile: Decodable { let vectors: [RFCVector] }
    struct RFCVector: Decodable {
        let name: String
        let ikm: String
        let salt: String
        let info: String
        let length: Int
        let prk: String
        let okm: String
    }

    static let rfc = "hkdf/rfc5869.json"

    @Test(.enabled(if: Vectors.available(rfc)))
    func rfc5869() throws {
        let vectors = try Vectors.decode(RFCFile.self, Self.rfc).vectors
        #expect(vectors.map(\.name) == ["Test Case 1", "Test Case 2", "Test Case 3"])
        for v in vectors {
            let ikm = [UInt8](hex: v.ikm)
            let salt = [UInt8](hex: v.salt)
            let okm = HKDFSHA256.deriveKey(ikm: ikm, salt: salt, info: [UInt8](hex: v.info), length: v.length)
            #expect(okm.count == v.length, "\(v.name)")
            #expect(okm.unsafeCopy.hexString == v.okm, "\(v.name): OKM")
            // Extract is HMAC(salt, IKM), with HashLen zero bytes standing in for an absent salt.
            let extractKey = salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt
            #expect(HMACSHA256.authenticate(key: extractKey, message: ikm).hexString == v.prk, "\(v.name): PRK")
        }
    }

    @Test func outputsArePrefixesOfEachOther() {
        let long = HKDFSHA256.deriveKey(ikm: [1, 2, 3], info: Array("info".utf8), length: 96).unsafeCopy
        let short = HKDFSHA256.deriveKey(ikm: [1, 2, 3], info: Array("info".utf8), length: 33).unsafeCopy
        #expect(Array(long.prefix(33)) == short)
        #expect(HKDFSHA256.deriveKey(ikm: [1, 2, 3], info: [], length: 0).count == 0)
    }

    // MARK: Wycheproof HKDF-SHA-256

    struct Group: WycheproofGroup {
        let keySize: Int
        let tests: [Test]
    }
    struct Test: WycheproofTest {
        let tcId: Int
        let comment: String
        let flags: [String]
        let result: WycheproofResult
        let ikm: HexBytes
        let salt: HexBytes
        let info: HexBytes
        let size: Int
        let okm: HexBytes
    }

    /// The only invalid cases ask for 8161 bytes, one more than RFC 5869 allows (255 * HashLen). The output length
    /// is a constant chosen by Sigil's code, never external input, so `deriveKey` guards it with a precondition; a
    /// trap cannot be asserted in-process, so these cases check only that they are exactly that over-length.
    @Test(.enabled(if: Vectors.available("wycheproof/hkdf_sha256_test.json")))
    func wycheproofHKDF() throws {
        let file = try WycheproofFile<Group>.load("hkdf_sha256_test.json")
        #expect(file.algorithm == "HKDF-SHA-256")
        var tooLong = 0
        file.forEach { _, test in
            switch test.result {
            case .valid:
                let okm = HKDFSHA256.deriveKey(
                    ikm: test.ikm.bytes, salt: test.salt.bytes, info: test.info.bytes, length: test.size)
                #expect(okm.unsafeCopy == test.okm.bytes, "\(test.name)")
            case .invalid:
                #expect(test.size > 255 * 32 && test.flags == ["SizeTooLarge"], "\(test.name)")
                tooLong += 1
            case .acceptable:
                Issue.record("\(test.name): this file has no acceptable cases; decide and assert one")
            }
        }
        #expect(tooLong == 3)
    }

    // MARK: Wycheproof HMAC-SHA-256

    struct MACGroup: WycheproofGroup {
        let keySize: Int
        let tagSize: Int
        let tests: [MACTest]
    }
    struct MACTest: WycheproofTest {
        let tcId: Int
        let comment: String
        let flags: [String]
        let result: WycheproofResult
        let key: HexBytes
        let msg: HexBytes
        let tag: HexBytes
    }

    /// Groups with a 128-bit tag compare against the truncated MAC, as the file's schema says.
    @Test(.enabled(if: Vectors.available("wycheproof/hmac_sha256_test.json")))
    func wycheproofHMAC() throws {
        let file = try WycheproofFile<MACGroup>.load("hmac_sha256_test.json")
        #expect(file.algorithm == "HMACSHA256")
        file.forEach { group, test in
            #expect(test.key.bytes.count * 8 == group.keySize, "\(test.name): key size")
            let full = HMACSHA256.authenticate(key: test.key.bytes, message: test.msg.bytes)
            let mac = Array(full.prefix(group.tagSize / 8))
            let matches = constantTimeEqual(mac, test.tag.bytes)
            switch test.result {
            case .valid: #expect(matches, "\(test.name)")
            case .invalid: #expect(!matches, "\(test.name) must not match")
            case .acceptable: Issue.record("\(test.name): this file has no acceptable cases; decide and assert one")
            }
        }
    }
}
