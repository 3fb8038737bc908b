import SigilCrypto

/// Every failure of a Secret Connection handshake or channel. Equality compares `code` only.
public struct SecretConnectionError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A frame's length field exceeds 1024.
        case oversizedLength
        /// The stream ended in the middle of a frame or a handshake message.
        case truncated
        /// A frame failed ChaCha20-Poly1305 authentication.
        case macFailure
        /// The remote identity in AuthSigMessage is not an Ed25519 key.
        case nonEd25519Key
        /// The remote AuthSigMessage signature does not verify over the challenge.
        case badAuthSignature
        /// The remote ephemeral key is a low-order X25519 point, or the DH result is all zero.
        case lowOrderPoint
        /// The remote ephemeral key message is not `uvarint(34) 0a 20 <32 bytes>`.
        case malformedEphemeralKey
        /// The AuthSigMessage could not be decoded.
        case malformedAuthMessage
        /// A direction has sealed or opened 2^64 - 1 frames.
        case nonceOverflow
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: SecretConnectionError, b: SecretConnectionError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func oversizedLength(_ length: UInt32) -> SecretConnectionError {
        .init(code: .oversizedLength,
              reason: "secret connection frame claims \(length) data bytes, more than the 1024 a frame can carry")
    }
    @inline(never)
    static func truncated(_ what: String, have: Int, need: Int) -> SecretConnectionError {
        .init(code: .truncated, reason: "connection closed in the middle of \(what) (\(have) of \(need) bytes)")
    }
    @inline(never)
    static func macFailure(frame: UInt64) -> SecretConnectionError {
        .init(code: .macFailure,
              reason: "secret connection frame \(frame) failed authentication (wrong key, or corrupted in transit)")
    }
    @inline(never)
    static func nonEd25519Key(_ field: String) -> SecretConnectionError {
        .init(code: .nonEd25519Key, reason: "remote identity key is \(field), not ed25519; only ed25519 is accepted")
    }
    @inline(never)
    static func badAuthSignature(peerID: String) -> SecretConnectionError {
        .init(code: .badAuthSignature,
              reason: "remote peer \(peerID) sent an auth signature that does not verify over the handshake challenge")
    }
    @inline(never)
    static func lowOrderPoint(_ key: [UInt8]) -> SecretConnectionError {
        .init(code: .lowOrderPoint,
              reason: "remote ephemeral key \(Hex.encode(key)) is a low-order X25519 point; refusing the handshake")
    }
    @inline(never)
    static func malformedEphemeralKey(_ why: String, _ bytes: [UInt8]) -> SecretConnectionError {
        .init(code: .malformedEphemeralKey,
              reason: "remote ephemeral key message is malformed (\(why)): `\(Hex.encode(Array(bytes.prefix(40))))'")
    }
    @inline(never)
    static func malformedAuthMessage(_ why: String) -> SecretConnectionError {
        .init(code: .malformedAuthMessage, reason: "remote AuthSigMessage is malformed: \(why)")
    }
    @inline(never)
    static func nonceOverflow() -> SecretConnectionError {
        .init(code: .nonceOverflow,
              reason: "secret connection nonce would overflow; the connection must be re-established")
    }
}
