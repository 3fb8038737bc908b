import SigilCrypto
import TestSupport
import Testing
@testable import SecretConnection

@Suite struct FramingTests {
    let key = SecureBytes(copying: [UInt8](repeating: 7, count: 32))

    func payload(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 1) } }

    @Test(arguments: [(0, 0), (1, 1), (1024, 1), (1025, 2), (3000, 3)])
    func frameCountAndSize(_ size: Int, _ frames: Int) throws {
        var encoder = FrameEncoder(key: key)
        let sealed = try encoder.seal(payload(size))
        #expect(sealed.count == frames * 1044)
        #expect(encoder.nonce.counter == UInt64(frames))
    }

    @Test func plaintextLayoutIsLengthDataZeroPadding() throws {
        var encoder = FrameEncoder(key: key)
        let sealed = try encoder.seal([0xAA, 0xBB, 0xCC])
        let plain = try ChaChaPoly.open(key: key, nonce: [UInt8](repeating: 0, count: 12), sealed: sealed)
        #expect(plain.count == 1028)
        #expect(Array(plain[0..<7]) == [3, 0, 0, 0, 0xAA, 0xBB, 0xCC])
        #expect(plain[7...].allSatisfy { $0 == 0 })
    }

    @Test func dripFeedOneByteAtATime() throws {
        var encoder = FrameEncoder(key: key)
        let data = payload(3000)
        let wire = try encoder.seal(data)
        var decoder = FrameDecoder(key: key)
        var received: [UInt8] = []
        var frames = 0
        for (i, byte) in wire.enumerated() {
            decoder.append([byte])
            if let chunk = try decoder.next() {
                #expect((i + 1) % 1044 == 0, "a frame completed at byte \(i + 1)")
                received += chunk
                frames += 1
            }
            #expect(try decoder.next() == nil)
        }
        #expect(frames == 3)
        #expect(received == data)
        try decoder.finish()
    }

    @Test func coalescedAndSplitWrites() throws {
        var encoder = FrameEncoder(key: key)
        let messages = [payload(10), payload(1024), payload(0), payload(2049), [42]]
        var wire: [UInt8] = []
        for m in messages { wire += try encoder.seal(m) }
        // Deliver in uneven pieces that cut frames anywhere.
        var decoder = FrameDecoder(key: key)
        var received: [UInt8] = []
        var offset = 0
        var step = 1
        while offset < wire.count {
            let end = min(wire.count, offset + step)
            decoder.append(wire[offset..<end])
            while let chunk = try decoder.next() { received += chunk }
            offset = end
            step = step * 3 % 2500 + 7
        }
        #expect(received == messages.flatMap { $0 })
    }

    @Test func oversizedLengthField() throws {
        var plain = [UInt8](repeating: 0, count: 1028)
        plain[0] = 0x01
        plain[1] = 0x04  // 1025, little-endian
        let sealed = try ChaChaPoly.seal(key: key, nonce: FrameNonce().bytes, plaintext: plain)
        var decoder = FrameDecoder(key: key)
        decoder.append(sealed)
        #expect(throws: SecretConnectionError(code: .oversizedLength, reason: "")) { try decoder.next() }
    }

    @Test(arguments: [0, 500, 1027, 1043])
    func flippedByteFailsTheMAC(_ index: Int) throws {
        var encoder = FrameEncoder(key: key)
        var wire = try encoder.seal(payload(100))
        wire[index] ^= 0x01
        var decoder = FrameDecoder(key: key)
        decoder.append(wire)
        #expect(throws: SecretConnectionError(code: .macFailure, reason: "")) { try decoder.next() }
    }

    @Test func framesOutOfOrderFailTheMAC() throws {
        var encoder = FrameEncoder(key: key)
        let first = try encoder.seal([1])
        let second = try encoder.seal([2])
        var decoder = FrameDecoder(key: key)
        decoder.append(second + first)
        #expect(throws: SecretConnectionError(code: .macFailure, reason: "")) { try decoder.next() }
    }

    @Test func truncatedFrameAtEndOfStream() throws {
        var encoder = FrameEncoder(key: key)
        let wire = try encoder.seal(payload(10))
        var decoder = FrameDecoder(key: key)
        decoder.append(wire.prefix(600))
        #expect(try decoder.next() == nil)
        #expect(throws: SecretConnectionError(code: .truncated, reason: "")) { try decoder.finish() }
    }

    @Test func encoderRefusesToWrapTheNonce() throws {
        var encoder = FrameEncoder(key: key, nonce: FrameNonce(counter: .max))
        #expect(throws: SecretConnectionError(code: .nonceOverflow, reason: "")) { try encoder.seal([1]) }
        var decoder = FrameDecoder(key: key, nonce: FrameNonce(counter: .max))
        decoder.append([UInt8](repeating: 0, count: 1044))
        #expect(throws: SecretConnectionError(code: .nonceOverflow, reason: "")) { try decoder.next() }
    }

    @Test func encoderUsesSuccessiveNonces() throws {
        var encoder = FrameEncoder(key: key, nonce: FrameNonce(counter: 41))
        let wire = try encoder.seal([9])
        var nonce41 = [UInt8](repeating: 0, count: 12)
        nonce41[4] = 41
        let plain = try ChaChaPoly.open(key: key, nonce: nonce41, sealed: wire)
        #expect(plain.prefix(5) == [1, 0, 0, 0, 9])
    }
}
