import SigilCrypto
import TestSupport
import Testing

@Suite struct SecureBytesTests {
    @Test func startsZeroed() {
        let s = SecureBytes(count: 48)
        #expect(s.count == 48)
        #expect(s.unsafeCopy == [UInt8](repeating: 0, count: 48))
        #expect(SecureBytes(count: 0).unsafeCopy == [])
    }

    @Test func consumingWipesTheSource() {
        var source: [UInt8] = [1, 2, 3, 4, 5]
        let s = SecureBytes(consuming: &source)
        #expect(source == [0, 0, 0, 0, 0])
        #expect(s.unsafeCopy == [1, 2, 3, 4, 5])
    }

    @Test func copyingLeavesTheSource() {
        let source: [UInt8] = [9, 8, 7]
        let s = SecureBytes(copying: source)
        #expect(source == [9, 8, 7])
        #expect(s.unsafeCopy == [9, 8, 7])
    }

    @Test func mutationAndSlices() {
        let s = SecureBytes(copying: [UInt8](0..<10))
        s.withUnsafeMutableBytes { $0[0] = 0xAA }
        #expect(s.withUnsafeBytes { $0[0] } == 0xAA)
        let slice = s.slice(2..<5)
        #expect(slice.unsafeCopy == [2, 3, 4])
        // A slice is its own guarded copy, not a view.
        s.withUnsafeMutableBytes { $0[2] = 0xFF }
        #expect(slice.unsafeCopy == [2, 3, 4])
        var copy = s.unsafeCopy
        copy[1] = 0x55
        #expect(s.unsafeCopy[1] == 1)
    }

    @Test func wipeZeroesInPlace() {
        var bytes: [UInt8] = [1, 2, 3]
        wipe(&bytes)
        #expect(bytes == [0, 0, 0])
        var empty: [UInt8] = []
        wipe(&empty)
        #expect(empty.isEmpty)
    }

    @Test func constantTimeEquality() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(constantTimeEqual([], []))
    }

    @Test func randomBytes() {
        let a = Random.bytes(32)
        let b = Random.bytes(32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
        #expect(Random.bytes(0).isEmpty)
    }
}

@Suite struct HashTests {
    /// FIPS 180-2 appendix examples for "abc".
    @Test func fips180Examples() {
        #expect(SHA256.hash(Array("abc".utf8)).hexString
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA512.hash(Array("abc".utf8)).hexString
            == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    /// RFC 8032's "TEST SHA(abc)" signs SHA-512("abc"); the vector file's message must be that digest.
    @Test(.enabled(if: Vectors.available("ed25519/rfc8032.json")))
    func rfc8032MessageIsSHA512OfABC() throws {
        let vectors = try Vectors.decode(Ed25519Tests.RFCFile.self, "ed25519/rfc8032.json").vectors
        let v = try #require(vectors.first { $0.name == "TEST SHA(abc)" })
        #expect(v.message == SHA512.hash(Array("abc".utf8)).hexString)
    }
}
