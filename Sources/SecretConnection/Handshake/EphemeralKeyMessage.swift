/// The first handshake message: an X25519 public key as a uvarint-delimited protobuf `BytesValue`,
/// `22 0a 20 <32 bytes>` on the wire (CometBFT `shareEphPubKey`). tendermint-rs accepts only this exact shape,
/// and so do we.
enum EphemeralKeyMessage {
    static let bodyLength = 34
    static let wireLength = 35

    static func encode(_ publicKey: [UInt8]) -> [UInt8] {
        precondition(publicKey.count == 32)
        return Protobuf.uvarint(UInt64(bodyLength)) + Protobuf.bytesField(1, publicKey)
    }

    /// The key and the bytes consumed, or nil if the message has not fully arrived.
    static func decode(_ buffer: [UInt8]) throws -> (key: [UInt8], consumed: Int)? {
        switch Protobuf.readUvarint(buffer[...]) {
        case .incomplete:
            return nil
        case .invalid:
            throw SecretConnectionError.malformedEphemeralKey("bad length prefix", buffer)
        case .value(let length, let prefix):
            guard length == UInt64(bodyLength) else {
                throw SecretConnectionError.malformedEphemeralKey("length \(length), want \(bodyLength)", buffer)
            }
            guard buffer.count >= prefix + bodyLength else { return nil }
            let body = Array(buffer[prefix..<(prefix + bodyLength)])
            guard body[0] == 0x0A, body[1] == 0x20 else {
                throw SecretConnectionError.malformedEphemeralKey("expected BytesValue field 1 of 32 bytes", buffer)
            }
            return (Array(body[2...]), prefix + bodyLength)
        }
    }
}
