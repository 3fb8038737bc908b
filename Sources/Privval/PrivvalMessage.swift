/// `tendermint.privval.Message`: the oneof exchanged between node and signer (identical v0.34–v0.38), plus
/// the forms CometBFT v1 added in `cometbft.privval.v1.Message` (same framing, same field numbers 1–8).
public enum PrivvalMessage: Hashable, Sendable {
    /// Which decoder a peer runs. The two differ only where v1 changed the schema: `.legacy` skips v1's new
    /// fields (as a v0.34–v0.38 node does), `.v1` reads them and ignores the reserved `PubKeyResponse.pub_key`.
    public enum Dialect: Sendable { case legacy, v1 }

    case pubKeyRequest(chainID: String)
    /// A nil key encodes as the empty non-nullable `PublicKey` that Go sends alongside an error.
    case pubKeyResponse(PublicKey?, error: RemoteSignerError?)
    /// v1 `PubKeyResponse{error = 2, pub_key_bytes = 3, pub_key_type = 4}`. With `alsoLegacy` the legacy
    /// field 1 is written too, so one answer serves both kinds of node (each decoder skips what it does not
    /// know); decoding sets it when field 1 was present.
    case pubKeyResponseV1(PublicKey?, error: RemoteSignerError?, alsoLegacy: Bool)
    /// With `skip_extension_signing = false` a v1 request is byte-identical to this one.
    case signVoteRequest(Vote, chainID: String)
    /// v1 `SignVoteRequest` with `skip_extension_signing = true` (field 3).
    case signVoteRequestSkippingExtension(Vote, chainID: String)
    /// On error, Go sends an empty `Vote{}` (zero time, empty BlockID), which `Vote()` reproduces.
    case signedVoteResponse(Vote, error: RemoteSignerError?)
    case signProposalRequest(Proposal, chainID: String)
    case signedProposalResponse(Proposal, error: RemoteSignerError?)
    case pingRequest
    case pingResponse
    /// v1 `SignBytesRequest{value = 1}` (oneof field 9).
    case signBytesRequest([UInt8])
    /// v1 `SignBytesResponse{signature = 1, error = 2}` (oneof field 10).
    case signBytesResponse(signature: [UInt8], error: RemoteSignerError?)
    /// A oneof arm this codec does not know in the dialect it decodes (e.g. v1 `SignBytesRequest` = 9 for
    /// `.legacy`), or 0 for an empty message. The signer answers with an error instead of dropping the connection.
    case unknown(field: Int)

    /// The field number of the oneof arm.
    public var field: Int {
        switch self {
        case .pubKeyRequest: 1
        case .pubKeyResponse, .pubKeyResponseV1: 2
        case .signVoteRequest, .signVoteRequestSkippingExtension: 3
        case .signedVoteResponse: 4
        case .signProposalRequest: 5
        case .signedProposalResponse: 6
        case .pingRequest: 7
        case .pingResponse: 8
        case .signBytesRequest: 9
        case .signBytesResponse: 10
        case .unknown(let field): field
        }
    }

    /// The message bytes without the length prefix (see `Delimited.frame`).
    public func encoded() -> [UInt8] {
        var body = ProtoWriter()
        switch self {
        case .pubKeyRequest(let chainID):
            body.string(1, chainID)
        case .pubKeyResponse(let key, let error):
            body.message(1) { key?.encode(into: &$0) }
            if let error { body.message(2) { error.encode(into: &$0) } }
        case .pubKeyResponseV1(let key, let error, let alsoLegacy):
            if alsoLegacy { body.message(1) { key?.encode(into: &$0) } }
            if let error { body.message(2) { error.encode(into: &$0) } }
            if let key {
                body.bytesField(3, key.bytes)
                body.string(4, key.typeName)
            }
        case .signVoteRequest(let vote, let chainID):
            body.message(1) { vote.encode(into: &$0) }
            body.string(2, chainID)
        case .signVoteRequestSkippingExtension(let vote, let chainID):
            body.message(1) { vote.encode(into: &$0) }
            body.string(2, chainID)
            body.uint64(3, 1)
        case .signedVoteResponse(let vote, let error):
            body.message(1) { vote.encode(into: &$0) }
            if let error { body.message(2) { error.encode(into: &$0) } }
        case .signProposalRequest(let proposal, let chainID):
            body.message(1) { proposal.encode(into: &$0) }
            body.string(2, chainID)
        case .signedProposalResponse(let proposal, let error):
            body.message(1) { proposal.encode(into: &$0) }
            if let error { body.message(2) { error.encode(into: &$0) } }
        case .pingRequest, .pingResponse:
            break
        case .signBytesRequest(let value):
            body.bytesField(1, value)
        case .signBytesResponse(let signature, let error):
            body.bytesField(1, signature)
            if let error { body.message(2) { error.encode(into: &$0) } }
        case .unknown(let field):
            guard field > 0 else { return [] }
        }
        var w = ProtoWriter()
        w.message(field, body.bytes)
        return w.bytes
    }

    /// Decodes message bytes (without the length prefix). Unknown fields are skipped; if only an
    /// unknown oneof arm is present the result is `.unknown(field:)`.
    public init(decoding bytes: [UInt8], dialect: Dialect = .legacy) throws {
        var r = ProtoReader(bytes, message: "privval Message")
        var known: PrivvalMessage?
        var unknownField = 0
        while let f = try r.next() {
            if let m = try (dialect == .v1 ? PrivvalMessage.v1Arm(f) : nil) ?? PrivvalMessage.arm(f) {
                known = m
            } else {
                unknownField = f.number
            }
        }
        self = known ?? .unknown(field: unknownField)
    }

    static func arm(_ f: ProtoField) throws -> PrivvalMessage? {
        switch f.number {
        case 1:
            let body = try f.message("PubKeyRequest")
            var chainID = ""
            try each(body, "PubKeyRequest") { g in
                if g.number == 1 { chainID = try g.string("PubKeyRequest.chain_id") }
            }
            return .pubKeyRequest(chainID: chainID)
        case 2:
            let body = try f.message("PubKeyResponse")
            var key: PublicKey?
            var error: RemoteSignerError?
            try each(body, "PubKeyResponse") { g in
                switch g.number {
                case 1: key = try PublicKey.decode(g.message("PubKeyResponse.pub_key"), field: "PubKeyResponse.pub_key")
                case 2: error = try RemoteSignerError(decoding: g.message("PubKeyResponse.error"),
                                                      field: "PubKeyResponse.error")
                default: break
                }
            }
            return .pubKeyResponse(key, error: error)
        case 3:
            let (vote, chainID) = try request(f, "SignVoteRequest", item: "vote") {
                try Vote(decoding: $0, field: "SignVoteRequest.vote")
            }
            return .signVoteRequest(vote, chainID: chainID)
        case 4:
            let (vote, error) = try response(f, "SignedVoteResponse", item: "vote", empty: Vote()) {
                try Vote(decoding: $0, field: "SignedVoteResponse.vote")
            }
            return .signedVoteResponse(vote, error: error)
        case 5:
            let (proposal, chainID) = try request(f, "SignProposalRequest", item: "proposal") {
                try Proposal(decoding: $0, field: "SignProposalRequest.proposal")
            }
            return .signProposalRequest(proposal, chainID: chainID)
        case 6:
            let (proposal, error) = try response(f, "SignedProposalResponse", item: "proposal", empty: Proposal()) {
                try Proposal(decoding: $0, field: "SignedProposalResponse.proposal")
            }
            return .signedProposalResponse(proposal, error: error)
        case 7:
            _ = try f.message("PingRequest")
            return .pingRequest
        case 8:
            _ = try f.message("PingResponse")
            return .pingResponse
        default:
            return nil
        }
    }

    static func each(_ body: ArraySlice<UInt8>, _ name: String, _ visit: (ProtoField) throws -> Void) throws {
        var r = ProtoReader(body, message: name)
        while let g = try r.next() { try visit(g) }
    }

    /// Sign requests carry a nullable item; one without it cannot be signed, so it is an error here.
    private static func request<T>(_ f: ProtoField, _ name: String, item: String,
                                   decode: (ArraySlice<UInt8>) throws -> T) throws -> (T, String) {
        var value: T?
        var chainID = ""
        try each(try f.message(name), name) { g in
            switch g.number {
            case 1: value = try decode(g.message("\(name).\(item)"))
            case 2: chainID = try g.string("\(name).chain_id")
            default: break
            }
        }
        guard let value else { throw PrivvalError.missingField("\(name).\(item)") }
        return (value, chainID)
    }

    private static func response<T>(_ f: ProtoField, _ name: String, item: String, empty: T,
                                    decode: (ArraySlice<UInt8>) throws -> T) throws -> (T, RemoteSignerError?) {
        var value = empty
        var error: RemoteSignerError?
        try each(try f.message(name), name) { g in
            switch g.number {
            case 1: value = try decode(g.message("\(name).\(item)"))
            case 2: error = try RemoteSignerError(decoding: g.message("\(name).error"), field: "\(name).error")
            default: break
            }
        }
        return (value, error)
    }
}
