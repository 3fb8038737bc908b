import SigilCrypto

/// Seals data into full-size Secret Connection frames, one nonce per frame.
struct FrameEncoder: Sendable {
    private let key: SecureBytes
    private(set) var nonce: FrameNonce

    init(key: SecureBytes, nonce: FrameNonce = FrameNonce()) {
        self.key = key
        self.nonce = nonce
    }

    /// Seals `data` as ceil(count / 1024) frames, concatenated. Empty data yields no frames, as in CometBFT.
    mutating func seal(_ data: [UInt8]) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((data.count + FrameFormat.maxDataSize - 1) / FrameFormat.maxDataSize
                            * FrameFormat.sealedFrameSize)
        var offset = 0
        while offset < data.count {
            let end = min(offset + FrameFormat.maxDataSize, data.count)
            out += try sealFrame(data[offset..<end])
            offset = end
        }
        return out
    }

    /// Seals one frame carrying `chunk` (at most 1024 bytes).
    mutating func sealFrame(_ chunk: ArraySlice<UInt8>) throws -> [UInt8] {
        precondition(chunk.count <= FrameFormat.maxDataSize, "a frame carries at most 1024 bytes")
        var plaintext = [UInt8](repeating: 0, count: FrameFormat.plaintextFrameSize)
        defer { wipe(&plaintext) }
        let length = UInt32(chunk.count).littleEndian
        withUnsafeBytes(of: length) { plaintext.replaceSubrange(0..<4, with: $0) }
        plaintext.replaceSubrange(4..<(4 + chunk.count), with: chunk)
        let current = nonce.bytes
        try nonce.increment()
        return try ChaChaPoly.seal(key: key, nonce: current, plaintext: plaintext)
    }
}
