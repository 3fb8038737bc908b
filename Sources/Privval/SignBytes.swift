/// Canonical sign bytes: uvarint(length) ‖ CanonicalVote / CanonicalProposal / CanonicalVoteExtension,
/// exactly as CometBFT's `VoteSignBytes`, `ProposalSignBytes` and `VoteExtensionSignBytes` build them.
/// The chain id is the request's, i.e. the node's.
public enum SignBytes {
    public static func vote(_ vote: Vote, chainID: String) -> [UInt8] {
        Delimited.frame(CanonicalVote(vote, chainID: chainID).encoded())
    }

    public static func proposal(_ proposal: Proposal, chainID: String) -> [UInt8] {
        Delimited.frame(CanonicalProposal(proposal, chainID: chainID).encoded())
    }

    /// `CanonicalVoteExtension{extension, height, round, chain_id}` (v0.38).
    public static func voteExtension(_ vote: Vote, chainID: String) -> [UInt8] {
        Delimited.frame(CanonicalVoteExtension(vote, chainID: chainID).encoded())
    }

    /// FilePV's "only the timestamp differs" rule without knowing the step: the type field of `a` decides
    /// (CometBFT's ValidateBasic only lets `SIGNED_MSG_TYPE_PROPOSAL` through for proposals and only
    /// prevote/precommit for votes), then the vote or proposal rule below applies.
    public static func differOnlyInTimestamp(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard let vote = try? CanonicalVote(signBytes: a) else {
            return proposalsDifferOnlyInTimestamp(a, b)
        }
        return vote.type == .proposal ? proposalsDifferOnlyInTimestamp(a, b) : votesDifferOnlyInTimestamp(a, b)
    }

    /// FilePV's rule for a repeated height/round/step: true when both are canonical votes that are
    /// equal once their timestamps are made equal. Undecodable input is never "only the timestamp".
    public static func votesDifferOnlyInTimestamp(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard var x = try? CanonicalVote(signBytes: a), let y = try? CanonicalVote(signBytes: b) else { return false }
        x.timestamp = y.timestamp
        return x == y
    }

    /// As `votesDifferOnlyInTimestamp`, for canonical proposals.
    public static func proposalsDifferOnlyInTimestamp(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard var x = try? CanonicalProposal(signBytes: a), let y = try? CanonicalProposal(signBytes: b) else {
            return false
        }
        x.timestamp = y.timestamp
        return x == y
    }
}

/// Strips the uvarint length prefix and insists it covers the rest exactly.
func unframe(_ signBytes: [UInt8], _ what: String) throws -> [UInt8] {
    var d = DelimitedDecoder(maxMessageSize: max(signBytes.count, 1))
    d.append(signBytes)
    guard let body = try d.next() else {
        throw PrivvalError.truncated("\(what) sign bytes", need: signBytes.count + 1, have: signBytes.count)
    }
    guard d.bufferedByteCount == 0 else {
        throw PrivvalError.invalidField("\(what) sign bytes", "\(d.bufferedByteCount) bytes follow the message")
    }
    return body
}

/// `tendermint.types.CanonicalVote`. `blockID` is nil when the vote is for nil (the field is omitted).
public struct CanonicalVote: Hashable, Sendable {
    public var type: SignedMsgType
    public var height: Int64
    public var round: Int64
    public var blockID: BlockID?
    public var timestamp: Timestamp
    public var chainID: String

    public init(_ vote: Vote, chainID: String) {
        type = vote.type
        height = vote.height
        round = Int64(vote.round)
        blockID = vote.blockID.isNil ? nil : vote.blockID
        timestamp = vote.timestamp
        self.chainID = chainID
    }

    /// Decodes length-prefixed sign bytes, e.g. those kept in a FilePV state file.
    public init(signBytes: [UInt8]) throws {
        try self.init(body: unframe(signBytes, "CanonicalVote"))
    }

    /// Decodes the message without its length prefix.
    init(body: [UInt8]) throws {
        var r = ProtoReader(body, message: "CanonicalVote")
        type = .unknown
        height = 0
        round = 0
        blockID = nil
        timestamp = .goZero
        chainID = ""
        while let f = try r.next() {
            switch f.number {
            case 1: type = SignedMsgType(rawValue: try f.int32("CanonicalVote.type"))
            case 2: height = try f.sfixed64("CanonicalVote.height")
            case 3: round = try f.sfixed64("CanonicalVote.round")
            case 4: blockID = try BlockID(decoding: f.message("CanonicalVote.block_id"),
                                          field: "CanonicalVote.block_id")
            case 5: timestamp = try Timestamp(decoding: f.message("CanonicalVote.timestamp"),
                                              field: "CanonicalVote.timestamp")
            case 6: chainID = try f.string("CanonicalVote.chain_id")
            default: continue
            }
        }
    }

    /// The message body, without the length prefix.
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        w.int64(1, Int64(type.rawValue))
        w.sfixed64(2, height)
        w.sfixed64(3, round)
        if let blockID { w.message(4) { blockID.encodeCanonical(into: &$0) } }
        w.message(5) { timestamp.encode(into: &$0) }
        w.string(6, chainID)
        return w.bytes
    }
}

/// `tendermint.types.CanonicalProposal`; pol_round is a varint int64, so -1 takes ten bytes.
public struct CanonicalProposal: Hashable, Sendable {
    public var type: SignedMsgType
    public var height: Int64
    public var round: Int64
    public var polRound: Int64
    public var blockID: BlockID?
    public var timestamp: Timestamp
    public var chainID: String

    public init(_ proposal: Proposal, chainID: String) {
        type = proposal.type
        height = proposal.height
        round = Int64(proposal.round)
        polRound = Int64(proposal.polRound)
        blockID = proposal.blockID.isNil ? nil : proposal.blockID
        timestamp = proposal.timestamp
        self.chainID = chainID
    }

    public init(signBytes: [UInt8]) throws {
        try self.init(body: unframe(signBytes, "CanonicalProposal"))
    }

    /// Decodes the message without its length prefix.
    init(body: [UInt8]) throws {
        var r = ProtoReader(body, message: "CanonicalProposal")
        type = .unknown
        height = 0
        round = 0
        polRound = 0
        blockID = nil
        timestamp = .goZero
        chainID = ""
        while let f = try r.next() {
            switch f.number {
            case 1: type = SignedMsgType(rawValue: try f.int32("CanonicalProposal.type"))
            case 2: height = try f.sfixed64("CanonicalProposal.height")
            case 3: round = try f.sfixed64("CanonicalProposal.round")
            case 4: polRound = try f.int64("CanonicalProposal.pol_round")
            case 5: blockID = try BlockID(decoding: f.message("CanonicalProposal.block_id"),
                                          field: "CanonicalProposal.block_id")
            case 6: timestamp = try Timestamp(decoding: f.message("CanonicalProposal.timestamp"),
                                              field: "CanonicalProposal.timestamp")
            case 7: chainID = try f.string("CanonicalProposal.chain_id")
            default: continue
            }
        }
    }

    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        w.int64(1, Int64(type.rawValue))
        w.sfixed64(2, height)
        w.sfixed64(3, round)
        w.int64(4, polRound)
        if let blockID { w.message(5) { blockID.encodeCanonical(into: &$0) } }
        w.message(6) { timestamp.encode(into: &$0) }
        w.string(7, chainID)
        return w.bytes
    }
}

extension BlockID {
    /// CanonicalBlockID has the same field layout as BlockID (hash, non-nullable part-set header).
    func encodeCanonical(into w: inout ProtoWriter) {
        encode(into: &w)
    }
}
