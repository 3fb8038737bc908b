import Foundation
import TestSupport
import ValidatorPeer

/// Walks consensus steps with several peers asking at once, and keeps what every test of the suite checks: every
/// signature released goes into one `DoubleSignLedger` (the crash campaign's oracle), every dropped connection
/// and every step nobody got a signature for is listed.
struct HAWalk {
    var next = HRS(height: 1)
    var ledger = DoubleSignLedger()
    var rng: SeededRandom
    var dropped: [String] = []
    var unsigned: [HRS] = []
    var signed = 0
    var refused = 0
    /// Steps where more than one peer got a signature (the same block asked twice): all got the same one.
    var shared = 0
    /// Steps where peers with the same block got different signatures (each is recorded as an issue).
    var sharedMismatch: [String] = []
    /// Signatures released per signer (the peer name up to its dot).
    var releasedBy: [String: Int] = [:]

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    /// Asks `peers` for `hrs`, each for `blocks[i]`, repeating the same asks (a node asks again after a refusal)
    /// until one is signed or `patience` seconds pass; records everything; returns the last round's outcomes.
    @discardableResult
    mutating func step(_ peers: [HAPeer], _ hrs: HRS, blocks: [String], patience: Double = 15,
                       origin: String = "") -> [HAPeer.Outcome] {
        let deadline = Date().addingTimeInterval(patience)
        while true {
            let outcomes = askTogether(peers, hrs, blocks: blocks, rng: &rng, origin: origin)
            take(outcomes)
            if outcomes.contains(where: { $0.record != nil }) { return outcomes }
            if outcomes.allSatisfy({ if case .dropped = $0 { return true } else { return false } })
                || Date() > deadline {
                unsigned.append(hrs)
                return outcomes
            }
        }
    }

    /// Records one round's outcomes (all for the same height/round/step).
    mutating func take(_ outcomes: [HAPeer.Outcome]) {
        var records: [SignedRecord] = []
        for outcome in outcomes {
            switch outcome {
            case .signed(let r):
                records.append(r)
                ledger.record(r)
                signed += 1
                releasedBy[String(r.origin.prefix { $0 != "." }), default: 0] += 1
            case .refused: refused += 1
            case .dropped(let why): dropped.append(why)
            }
        }
        if records.count > 1 {
            for group in Dictionary(grouping: records, by: \.signBytesWithoutTimestamp).values where group.count > 1 {
                if Set(group.map(\.signature)).count == 1 {
                    shared += 1
                } else {
                    sharedMismatch.append(group.map(\.description).joined(separator: " / "))
                }
            }
        }
    }

    /// `count` steps from `next` on, each peer asking for the block `blocks` gives it at that step.
    mutating func walk(_ peers: [HAPeer], steps count: Int, patience: Double = 15,
                       blocks: (HRS, inout SeededRandom) -> [String]) {
        for _ in 0..<count {
            let hrs = next
            let b = blocks(hrs, &rng)
            step(peers, hrs, blocks: b, patience: patience)
            next = hrs.next
        }
    }

    var summary: String {
        "up to \(next), signed \(signed), refused \(refused), shared \(shared), released by \(releasedBy), "
            + "dropped \(dropped.count), unsigned \(unsigned.count), "
            + "double signs \(ledger.conflicts.filter { $0.kind == .conflictingData }.count), "
            + "lower h/r/s after a higher one \(ledger.conflicts.filter { $0.kind == .regression }.count) "
            + "(in ledger order, which is not signing order once replies arrive late)"
    }
}
