import SigilCrypto

/// Opens Secret Connection frames from a byte stream fed in pieces of any size.
/// `next()` returns nil until a whole sealed frame has arrived.
struct FrameDecoder: Sendable {
    private let key: SecureBytes
    private(set) var nonce: FrameNonce
    private var buffer: [UInt8] = []
    private var start = 0

    init(key: SecureBytes, nonce: FrameNonce = FrameNonce()) {
        self.key = key
        self.nonce = nonce
    }

    /// Bytes received but not yet opened.
    var bufferedByteCount: Int { buffer.count - start }

    mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The data of the next frame, or nil if a whole frame has not arrived yet.
    mutating func next() throws -> [UInt8]? {
        guard bufferedByteCount >= FrameFormat.sealedFrameSize else { return nil }
        let sealed = Array(buffer[start..<(start + FrameFormat.sealedFrameSize)])
        start += FrameFormat.sealedFrameSize
        let frameNumber = nonce.counter
        let current = nonce.bytes
        try nonce.increment()
        var plaintext: [UInt8]
        do {
            plaintext = try ChaChaPoly.open(key: key, nonce: current, sealed: sealed)
        } catch {
            throw SecretConnectionError.macFailure(frame: frameNumber)
        }
        defer { wipe(&plaintext) }
        let length = plaintext[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard length <= UInt32(FrameFormat.maxDataSize) else { throw SecretConnectionError.oversizedLength(length) }
        return Array(plaintext[4..<(4 + Int(length))])
    }

    /// Call at end of stream: throws `.truncated` if part of a frame is still buffered.
    func finish() throws {
        guard bufferedByteCount == 0 else {
            throw SecretConnectionError.truncated("a frame", have: bufferedByteCount, need: FrameFormat.sealedFrameSize)
        }
    }
}
