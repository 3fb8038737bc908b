/// The per-direction ChaCha20-Poly1305 nonce: 4 zero bytes then a little-endian 64-bit frame counter,
/// as CometBFT's `incrNonce`. The counter never wraps: CometBFT panics there, and we fail the connection.
struct FrameNonce: Sendable, Equatable {
    private(set) var counter: UInt64

    init(counter: UInt64 = 0) {
        self.counter = counter
    }

    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { out[4 + i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        return out
    }

    mutating func increment() throws {
        guard counter < .max else { throw SecretConnectionError.nonceOverflow() }
        counter += 1
    }
}
