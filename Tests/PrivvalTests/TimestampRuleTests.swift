import Privval
import Testing
import TestSupport

/// FilePV's "same HRS, only the timestamp differs" rule, on sign bytes as they are stored.
struct TimestampRuleTests {
    static let block = BlockID(hash: [UInt8](repeating: 0xab, count: 32),
                               partSetHeader: PartSetHeader(total: 1, hash: [UInt8](repeating: 0xcd, count: 32)))
    static let vote = Vote(type: .precommit, height: 10, round: 1, blockID: block,
                           timestamp: Timestamp(seconds: 1_700_000_000, nanos: 5))
    static let proposal = Proposal(type: .proposal, height: 10, round: 1, polRound: -1, blockID: block,
                                   timestamp: Timestamp(seconds: 1_700_000_000))

    @Test func votesThatDifferOnlyInTimestamp() throws {
        let stored = SignBytes.vote(Self.vote, chainID: "kira-1")
        var later = Self.vote
        later.timestamp.seconds += 3
        later.signature = [1, 2, 3]           // not part of the sign bytes
        let request = SignBytes.vote(later, chainID: "kira-1")
        #expect(stored != request)
        #expect(SignBytes.votesDifferOnlyInTimestamp(stored, request))
        #expect(try CanonicalVote(signBytes: stored).timestamp == Self.vote.timestamp)
    }

    @Test func votesThatDifferInAnythingElse() throws {
        let stored = SignBytes.vote(Self.vote, chainID: "kira-1")
        var nilVote = Self.vote
        nilVote.blockID = BlockID()
        var otherBlock = Self.vote
        otherBlock.blockID.hash[0] = 0
        var otherRound = Self.vote
        otherRound.round = 2
        for (name, other) in [("nil", SignBytes.vote(nilVote, chainID: "kira-1")),
                              ("block", SignBytes.vote(otherBlock, chainID: "kira-1")),
                              ("round", SignBytes.vote(otherRound, chainID: "kira-1")),
                              ("chain", SignBytes.vote(Self.vote, chainID: "kira-2")),
                              ("garbage", [0x03, 0xff, 0xff, 0xff]), ("empty", [])] {
            #expect(!SignBytes.votesDifferOnlyInTimestamp(stored, other), "\(name)")
        }
        #expect(try CanonicalVote(signBytes: SignBytes.vote(nilVote, chainID: "x")).blockID == nil)
    }

    @Test func proposalsThatDifferOnlyInTimestamp() throws {
        let stored = SignBytes.proposal(Self.proposal, chainID: "kira-1")
        var later = Self.proposal
        later.timestamp.nanos = 1
        #expect(SignBytes.proposalsDifferOnlyInTimestamp(stored, SignBytes.proposal(later, chainID: "kira-1")))
        var otherPol = Self.proposal
        otherPol.polRound = 0
        #expect(!SignBytes.proposalsDifferOnlyInTimestamp(stored, SignBytes.proposal(otherPol, chainID: "kira-1")))
        #expect(try CanonicalProposal(signBytes: stored).polRound == -1)
    }

    @Test func kindIsTakenFromTheTypeField() {
        var vote = Self.vote
        let stored = SignBytes.vote(vote, chainID: "kira-1")
        vote.timestamp.seconds += 1
        #expect(SignBytes.differOnlyInTimestamp(stored, SignBytes.vote(vote, chainID: "kira-1")))
        vote.blockID = BlockID()
        #expect(!SignBytes.differOnlyInTimestamp(stored, SignBytes.vote(vote, chainID: "kira-1")))

        var proposal = Self.proposal
        let storedProposal = SignBytes.proposal(proposal, chainID: "kira-1")
        proposal.timestamp.seconds += 1
        #expect(SignBytes.differOnlyInTimestamp(storedProposal, SignBytes.proposal(proposal, chainID: "kira-1")))
        proposal.round = 2
        #expect(!SignBytes.differOnlyInTimestamp(storedProposal, SignBytes.proposal(proposal, chainID: "kira-1")))
        #expect(!SignBytes.differOnlyInTimestamp(stored, storedProposal))
    }

    @Test func canonicalBytesWithTrailingDataAreRejected() {
        let bytes = SignBytes.vote(Self.vote, chainID: "kira-1") + [0x00]
        #expect(errorCode { try CanonicalVote(signBytes: bytes) } == .invalidField)
    }
}
