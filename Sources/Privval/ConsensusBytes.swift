/// `tendermint.types.CanonicalVoteExtension` (v0.38 and v1): what a vote-extension signature covers.
public struct CanonicalVoteExtension: Hashable, Sendable {
    public var `extension`: [UInt8]
    public var height: Int64
    public var round: Int64
    public var chainID: String

    public init(_ vote: Vote, chainID: String) {
        self.extension = vote.extension
        height = vote.height
        round = Int64(vote.round)
        self.chainID = chainID
    }

    init(body: [UInt8]) throws {
        var r = ProtoReader(body, message: "CanonicalVoteExtension")
        self.extension = []
        height = 0
        round = 0
        chainID = ""
        while let f = try r.next() {
            switch f.number {
            case 1: self.extension = try f.bytes("CanonicalVoteExtension.extension")
            case 2: height = try f.sfixed64("CanonicalVoteExtension.height")
            case 3: round = try f.sfixed64("CanonicalVoteExtension.round")
            case 4: chainID = try f.string("CanonicalVoteExtension.chain_id")
            default: continue
            }
        }
    }

    /// The message body, without the length prefix.
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        w.bytesField(1, self.extension)
        w.sfixed64(2, height)
        w.sfixed64(3, round)
        w.string(4, chainID)
        return w.bytes
    }
}

extension SignBytes {
    /// Names the consensus message `value` is the sign bytes of (a canonical vote, proposal or vote extension
    /// for any chain id), or nil when it is none. A verifier re-encodes the message before it checks a
    /// signature, so only bytes that decode and re-encode to themselves count: that makes the test exact,
    /// and a signature over anything it lets through can never pass as a vote or proposal signature.
    public static func consensusMessage(in value: [UInt8]) -> String? {
        guard let body = try? unframe(value, "SignBytes value") else { return nil }
        if let v = try? CanonicalVote(body: body), v.encoded() == body {
            return "a canonical \(v.type.name) for chain `\(v.chainID)` at height \(v.height) round \(v.round)"
        }
        if let p = try? CanonicalProposal(body: body), p.encoded() == body {
            return "a canonical \(p.type.name) for chain `\(p.chainID)` at height \(p.height) round \(p.round)"
        }
        if let e = try? CanonicalVoteExtension(body: body), e.encoded() == body {
            return "a canonical vote extension for chain `\(e.chainID)` at height \(e.height) round \(e.round)"
        }
        return nil
    }
}
