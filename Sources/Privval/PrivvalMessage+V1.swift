// cometbft.privval.v1 (CometBFT v1.0): the arms whose schema changed. Fields 1–8 of `Message` keep their
// legacy meaning; `PubKeyResponse` moved the key from field 1 (reserved) to bytes 3 and type 4,
// `SignVoteRequest` gained `skip_extension_signing` 3, and 9/10 are the new SignBytes pair.

extension PrivvalMessage {
    /// Decodes the arms v1 changed or added; nil hands the field to the legacy decoder.
    static func v1Arm(_ f: ProtoField) throws -> PrivvalMessage? {
        switch f.number {
        case 2:
            var key: [UInt8] = []
            var type = ""
            var error: RemoteSignerError?
            var legacy = false
            try each(try f.message("PubKeyResponse"), "PubKeyResponse") { g in
                switch g.number {
                // Reserved in v1: Go's v1 decoder skips it whatever it holds; noted only so it re-encodes.
                case 1: legacy = true
                case 2: error = try RemoteSignerError(decoding: g.message("PubKeyResponse.error"),
                                                      field: "PubKeyResponse.error")
                case 3: key = try g.bytes("PubKeyResponse.pub_key_bytes")
                case 4: type = try g.string("PubKeyResponse.pub_key_type")
                default: break
                }
            }
            return .pubKeyResponseV1(try PublicKey(typeName: type, bytes: key), error: error, alsoLegacy: legacy)
        case 3:
            var skip = false
            try each(try f.message("SignVoteRequest"), "SignVoteRequest") { g in
                if g.number == 3 { skip = try g.uint64("SignVoteRequest.skip_extension_signing") != 0 }
            }
            let request = try arm(f)
            guard skip, case .signVoteRequest(let vote, let chainID)? = request else { return request }
            return .signVoteRequestSkippingExtension(vote, chainID: chainID)
        case 9:
            var value: [UInt8] = []
            try each(try f.message("SignBytesRequest"), "SignBytesRequest") { g in
                if g.number == 1 { value = try g.bytes("SignBytesRequest.value") }
            }
            return .signBytesRequest(value)
        case 10:
            var signature: [UInt8] = []
            var error: RemoteSignerError?
            try each(try f.message("SignBytesResponse"), "SignBytesResponse") { g in
                switch g.number {
                case 1: signature = try g.bytes("SignBytesResponse.signature")
                case 2: error = try RemoteSignerError(decoding: g.message("SignBytesResponse.error"),
                                                      field: "SignBytesResponse.error")
                default: break
                }
            }
            return .signBytesResponse(signature: signature, error: error)
        default:
            return nil
        }
    }
}

extension PublicKey {
    /// CometBFT's `PubKey.Type()`, the v1 `pub_key_type`.
    public var typeName: String {
        switch self {
        case .ed25519: "ed25519"
        case .secp256k1: "secp256k1"
        }
    }

    /// The v1 pair back to a key; nil for the empty pair Go sends with an error.
    init?(typeName: String, bytes: [UInt8]) throws {
        switch typeName {
        case "" where bytes.isEmpty: return nil
        case "ed25519": self = .ed25519(bytes)
        case "secp256k1": self = .secp256k1(bytes)
        default:
            throw PrivvalError.invalidField("PubKeyResponse.pub_key_type", "unsupported key type `\(typeName)`")
        }
    }
}
