import Privval
import SigilCrypto
import TestSupport
import Testing
@testable import SignerConfig
@testable import SignerState

/// The double-sign rules over real canonical sign bytes (Privval) and real Ed25519 signatures: the request
/// info is built the way the session builds it, and a reused signature must verify over the reply as sent.
@Suite struct ConsensusStateSignBytesTests {
    static let chainID = "kira-1"
    static let sig = [UInt8](repeating: 9, count: 64)
    static let blockA = block(0xAA)
    static let blockB = block(0xBB)

    static func block(_ byte: UInt8) -> BlockID {
        BlockID(
            hash: [UInt8](repeating: byte, count: 32),
            partSetHeader: PartSetHeader(total: 1, hash: [UInt8](repeating: byte, count: 32)))
    }

    /// What the session passes: Privval decides "only the timestamp differs", the stored timestamp is decoded
    /// from the stored sign bytes.
    static let timestampOnly: @Sendable ([UInt8], [UInt8]) -> SignTimestamp? = { stored, request in
        guard SignBytes.differOnlyInTimestamp(stored, request) else { return nil }
        if let v = try? CanonicalVote(signBytes: stored), v.type != .proposal {
            return SignTimestamp(seconds: v.timestamp.seconds, nanos: v.timestamp.nanos)
        }
        guard let p = try? CanonicalProposal(signBytes: stored) else { return nil }
        return SignTimestamp(seconds: p.timestamp.seconds, nanos: p.timestamp.nanos)
    }

    static func info(_ vote: Vote) -> SignRequestInfo {
        SignRequestInfo(
            height: vote.height, round: vote.round, step: SignStep(signedMsgType: vote.type.rawValue)!,
            signBytes: SignBytes.vote(vote, chainID: chainID), timestampOnlyDifference: timestampOnly)
    }

    static func info(_ p: Proposal) -> SignRequestInfo {
        SignRequestInfo(
            height: p.height, round: p.round, step: .propose, signBytes: SignBytes.proposal(p, chainID: chainID),
            timestampOnlyDifference: timestampOnly)
    }

    static func vote(_ type: SignedMsgType, _ block: BlockID, at seconds: Int64, index: Int32 = 0,
        ext: [UInt8] = []) -> Vote {
        Vote(
            type: type, height: 100, round: 1, blockID: block, timestamp: Timestamp(seconds: seconds, nanos: 5),
            validatorAddress: [UInt8](repeating: 7, count: 20), validatorIndex: index, extension: ext)
    }

    static func decideAfter(_ first: SignRequestInfo, _ second: SignRequestInfo) -> Decision {
        let last = LastSignState(signed: first, signature: sig)
        return ConsensusState.decide(last: last, request: second)
    }

    @Test func retriedVoteIsIdentical() {
        let v = Self.vote(.precommit, Self.blockA, at: 1_700_000_000)
        #expect(Self.decideAfter(Self.info(v), Self.info(v)) == .reuse(signature: Self.sig, timestamp: nil))
    }

    @Test func voteWithOnlyANewTimestampReusesTheStoredTimestamp() {
        let first = Self.vote(.precommit, Self.blockA, at: 1_700_000_000)
        let retry = Self.vote(.precommit, Self.blockA, at: 1_700_000_042)
        let decision = Self.decideAfter(Self.info(first), Self.info(retry))
        #expect(decision == .reuse(signature: Self.sig, timestamp: SignTimestamp(seconds: 1_700_000_000, nanos: 5)))
    }

    /// Validator address/index and the v0.38 extension are not in the canonical vote, so they do not conflict.
    @Test func fieldsOutsideTheCanonicalVoteDoNotConflict() {
        let first = Self.vote(.precommit, Self.blockA, at: 1, index: 0, ext: [1])
        let second = Self.vote(.precommit, Self.blockA, at: 1, index: 3, ext: [2, 3])
        #expect(Self.decideAfter(Self.info(first), Self.info(second)) == .reuse(signature: Self.sig, timestamp: nil))
    }

    @Test(arguments: [
        (blockA, blockB), (BlockID(), blockA), (blockA, BlockID()),
    ])
    func differentBlockAtTheSameHRSIsRefused(first: BlockID, second: BlockID) {
        for type in [SignedMsgType.prevote, .precommit] {
            let decision = Self.decideAfter(
                Self.info(Self.vote(type, first, at: 1)), Self.info(Self.vote(type, second, at: 2)))
            guard case .refuse(let r) = decision else { Issue.record("\(type.name): \(decision)"); continue }
            #expect(r.code == .conflictingData)
            #expect(r.description.contains("h/r/s 100/1/\(type == .prevote ? 2 : 3)"))
        }
    }

    @Test func prevoteThenPrecommitForAnotherBlockSigns() {
        let decision = Self.decideAfter(
            Self.info(Self.vote(.prevote, Self.blockA, at: 1)), Self.info(Self.vote(.precommit, Self.blockB, at: 2)))
        #expect(decision == .sign)
    }

    @Test func proposals() {
        let p = Proposal(type: .proposal, height: 100, round: 1, polRound: -1, blockID: Self.blockA,
            timestamp: Timestamp(seconds: 50))
        var later = p
        later.timestamp = Timestamp(seconds: 60)
        var otherBlock = p
        otherBlock.blockID = Self.blockB
        var otherPOL = p
        otherPOL.polRound = 0
        #expect(Self.decideAfter(Self.info(p), Self.info(p)) == .reuse(signature: Self.sig, timestamp: nil))
        let storedTime = SignTimestamp(seconds: 50, nanos: 0)
        #expect(Self.decideAfter(Self.info(p), Self.info(later)) == .reuse(signature: Self.sig, timestamp: storedTime))
        for conflicting in [otherBlock, otherPOL] {
            guard case .refuse(let r) = Self.decideAfter(Self.info(p), Self.info(conflicting)) else {
                Issue.record("conflicting proposal not refused"); continue
            }
            #expect(r.code == .conflictingData)
        }
        #expect(Self.decideAfter(Self.info(p), Self.info(Self.vote(.prevote, Self.blockB, at: 1))) == .sign)
    }

    /// End to end through ChainState with a real key: the reply to a timestamp-only retry carries the stored
    /// timestamp, and the stored signature verifies over the reply's sign bytes.
    @Test func reusedSignatureVerifiesOverTheReplyWithTheStoredTimestamp() throws {
        let key = Ed25519.PrivateKey.generate()
        let dir = try TempDir("signbytes")
        defer { dir.remove() }
        let (state, _) = try ChainState.open(chainID: Self.chainID, path: dir.path("s.json"))
        let first = Self.vote(.precommit, Self.blockA, at: 1_700_000_000)
        let signed = try state.sign(request: Self.info(first), signer: key.signature(for:))
        #expect(!signed.reused && signed.timestamp == nil)

        var retry = Self.vote(.precommit, Self.blockA, at: 1_700_000_099)
        let outcome = try state.sign(request: Self.info(retry), signer: key.signature(for:))
        #expect(outcome.reused && outcome.signature == signed.signature)
        let ts = try #require(outcome.timestamp)
        #expect(!key.publicKey.isValidSignature(outcome.signature, for: SignBytes.vote(retry, chainID: Self.chainID)))
        retry.timestamp = Timestamp(seconds: ts.seconds, nanos: ts.nanos)
        #expect(key.publicKey.isValidSignature(outcome.signature, for: SignBytes.vote(retry, chainID: Self.chainID)))
    }
}
