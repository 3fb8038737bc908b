import Privval
import Testing
import ValidatorPeer

/// The campaigns' oracle must see every pair FilePV forbids and nothing else, or their zero proves nothing.
struct DoubleSignCheckTests {
    let chain = "ledger-chain"

    func vote(_ type: SignedMsgType, _ height: Int64, round: Int32 = 0, block: String = "",
              seconds: Int64 = 100) -> SignedRecord {
        let id = ConsensusDriver.blockID(height: height, variant: block)
        var v = ConsensusDriver.vote(type, height: height, round: round, blockID: id,
                                     timestamp: Timestamp(seconds: seconds))
        v.signature = Array(repeating: UInt8(truncatingIfNeeded: height), count: 64)
        return SignedRecord(vote: v, chainID: chain, origin: "test")
    }

    func proposal(_ height: Int64, block: String = "") -> SignedRecord {
        var p = Proposal(type: .proposal, height: height, round: 0, polRound: -1,
                         blockID: ConsensusDriver.blockID(height: height, variant: block),
                         timestamp: Timestamp(seconds: 1))
        p.signature = Array(repeating: 7, count: 64)
        return SignedRecord(proposal: p, chainID: chain, origin: "test")
    }

    @Test func sameHRSDifferentBlockIsADoubleSign() {
        var ledger = DoubleSignLedger()
        #expect(ledger.record(vote(.prevote, 5)).isEmpty)
        let found = ledger.record(vote(.prevote, 5, block: "-fork"))
        #expect(found.map(\.kind) == [.conflictingData])
        #expect(ledger.conflicts.count == 1)
    }

    @Test func proposalsForTwoBlocksConflict() {
        var ledger = DoubleSignLedger()
        ledger.record(proposal(3))
        #expect(ledger.record(proposal(3, block: "-other")).map(\.kind) == [.conflictingData])
    }

    @Test func aRepeatOrATimestampOnlyDifferenceIsAllowed() {
        var ledger = DoubleSignLedger()
        ledger.record(vote(.precommit, 9))
        ledger.record(vote(.precommit, 9))
        ledger.record(vote(.precommit, 9, seconds: 107))
        #expect(ledger.conflicts.isEmpty)
        #expect(ledger.records.count == 3)
    }

    @Test func aLowerHRSAfterAHigherOneIsARegression() {
        var ledger = DoubleSignLedger()
        ledger.record(vote(.precommit, 9))
        #expect(ledger.record(vote(.prevote, 9)).map(\.kind) == [.regression])
        #expect(ledger.record(vote(.precommit, 8)).map(\.kind) == [.regression])
        #expect(ledger.record(vote(.precommit, 9, round: 1)).isEmpty, "a higher round is a new h/r/s")
    }

    @Test func differentStepsAtOneHeightAndRoundAreNoConflict() {
        // Prevote for A then precommit for B at the same height and round is allowed (CometBFT allows it).
        var ledger = DoubleSignLedger()
        ledger.record(proposal(4))
        ledger.record(vote(.prevote, 4))
        ledger.record(vote(.precommit, 4, block: "-b"))
        ledger.record(vote(.prevote, 5))
        #expect(ledger.conflicts.isEmpty)
        #expect(ledger.text.split(separator: "\n").count == 4)
        #expect(ledger.text.hasPrefix("4/0/1 "))
    }
}
