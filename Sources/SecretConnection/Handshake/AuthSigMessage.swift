import SigilCrypto

/// `tendermint.p2p.AuthSigMessage { tendermint.crypto.PublicKey pub_key = 1; bytes sig = 2; }`, sent
/// uvarint-delimited inside the encrypted channel. For ed25519 it is 103 bytes: `66 0a 22 0a 20 <pub> 12 40 <sig>`.
enum AuthSigMessage {
    /// CometBFT reads it with a 1 MiB limit; a real one is 103 bytes, so anything past this is not an auth message.
    static let maxLength = 4096

    /// `tendermint.crypto.PublicKey` oneof field numbers, for naming what a peer sent instead of ed25519.
    static let keyFieldNames: [UInt64: String] = [1: "ed25519", 2: "secp256k1", 3: "sr25519", 4: "bls12381"]

    static func encode(publicKey: Ed25519.PublicKey, signature: [UInt8]) -> [UInt8] {
        let key = Protobuf.bytesField(1, publicKey.rawRepresentation)
        let body = Protobuf.bytesField(1, key) + Protobuf.bytesField(2, signature)
        return Protobuf.uvarint(UInt64(body.count)) + body
    }

    /// The key, signature and bytes consumed, or nil until the whole delimited message is buffered.
    static func decode(_ buffer: [UInt8]) throws -> (key: Ed25519.PublicKey, signature: [UInt8], consumed: Int)? {
        let length: UInt64
        let prefix: Int
        switch Protobuf.readUvarint(buffer[...]) {
        case .incomplete: return nil
        case .invalid: throw SecretConnectionError.malformedAuthMessage("bad length prefix")
        case .value(let l, let p): (length, prefix) = (l, p)
        }
        guard length <= UInt64(maxLength) else {
            throw SecretConnectionError.malformedAuthMessage("length \(length) exceeds \(maxLength)")
        }
        guard buffer.count >= prefix + Int(length) else { return nil }
        let body = buffer[prefix..<(prefix + Int(length))]
        do {
            var keyField: ArraySlice<UInt8>?
            var signature: [UInt8] = []
            for field in try Protobuf.fields(body) where field.wireType == 2 {
                if field.number == 1 { keyField = field.bytes }
                if field.number == 2 { signature = Array(field.bytes) }
            }
            guard let keyField else { throw SecretConnectionError.nonEd25519Key("missing") }
            let key = try ed25519Key(in: keyField)
            return (key, signature, prefix + Int(length))
        } catch let error as Protobuf.DecodeError {
            throw SecretConnectionError.malformedAuthMessage(error.reason)
        }
    }

    private static func ed25519Key(in message: ArraySlice<UInt8>) throws -> Ed25519.PublicKey {
        // A oneof: the last key field present wins, as in protobuf decoding.
        let fields = try Protobuf.fields(message)
        guard let ed = fields.last(where: { $0.wireType == 2 }), ed.number == 1 else {
            let other = fields.last.map { keyFieldNames[$0.number] ?? "key type \($0.number)" } ?? "empty"
            throw SecretConnectionError.nonEd25519Key(other)
        }
        guard let key = try? Ed25519.PublicKey(rawRepresentation: Array(ed.bytes)) else {
            throw SecretConnectionError.malformedAuthMessage("ed25519 key is \(ed.bytes.count) bytes, want 32")
        }
        return key
    }
}
