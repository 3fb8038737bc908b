import Foundation
import Privval
import SigilCrypto

/// SplitMix64: a small seeded generator, so a failing campaign can be replayed from the seed it printed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The node's side of a fault campaign. It walks heights as consensus does (proposal, prevote, precommit, now
/// and then a second round), and after every reconnect may first re-ask a height/round/step it asked before: the
/// one in flight when the signer died or the last one it got a signature for, for a DIFFERENT block, for the same
/// block with a new timestamp, or one step lower. Every signature that comes back is verified and goes into the
/// ledger, which flags any pair FilePV forbids.
public final class CampaignPeer: @unchecked Sendable {
    public struct Stats: Sendable, CustomStringConvertible {
        public var sessions = 0
        public var requests = 0
        public var signed = 0
        public var refused = 0
        public var unanswered = 0
        public var reasks = 0
        public var reasksSigned = 0

        public var description: String {
            "sessions \(sessions), requests \(requests), signed \(signed), refused \(refused), "
                + "unanswered \(unanswered), re-asks after reconnect \(reasks) (signed \(reasksSigned))"
        }
    }

    struct HRS: Comparable, CustomStringConvertible {
        var height: Int64
        var round: Int32
        var step: Int8
        var description: String { "\(height)/\(round)/\(step)" }
        static func < (a: HRS, b: HRS) -> Bool { (a.height, a.round, a.step) < (b.height, b.round, b.step) }
    }

    struct Ask {
        var hrs: HRS
        var variant: String
    }

    public let chainID: String
    public private(set) var ledger = DoubleSignLedger()
    public private(set) var stats = Stats()
    public private(set) var publicKey: Ed25519.PublicKey?
    public var rng: SeededRandom
    /// Next height/round/step of the normal walk.
    private var next = HRS(height: 1, round: 0, step: 1)
    private var lastAsked: Ask?
    private var lastSigned: Ask?
    private var forks = 0
    private var roundTrips: [Int] = []

    /// Median request-to-reply time of the last 64 answered requests, in microseconds (0 before any).
    public var medianRoundTripMicros: Int {
        roundTrips.isEmpty ? 0 : roundTrips.sorted()[roundTrips.count / 2]
    }

    public init(chainID: String, seed: UInt64) {
        self.chainID = chainID
        rng = SeededRandom(seed: seed)
    }

    /// The highest height the walk has reached.
    public var height: Int64 { next.height }

    /// Serves one connection until it fails (the signer died) or `limit` requests were answered. `afterSend` runs
    /// right after each sign request is written, before its reply is read: the place to pull the plug. Throws
    /// only when the signer answers with something no signer may send (a bad signature, a different key).
    public func serve(_ conn: ValidatorConnection, origin: String, limit: Int = 10_000,
                      afterSend: (Int) -> Void) throws {
        stats.sessions += 1
        do {
            let reply = try conn.request(.pubKeyRequest(chainID: chainID))
            guard case .pubKeyResponse(.ed25519(let raw)?, nil) = reply else {
                throw ConsensusDriver.Failure(description: "expected the signer's ed25519 key, got \(reply)")
            }
            let key = try Ed25519.PublicKey(rawRepresentation: raw)
            if let publicKey, publicKey != key {
                throw ConsensusDriver.Failure(description: "the signer's key changed across a restart")
            }
            publicKey = key
        } catch let failure as ConsensusDriver.Failure {
            throw failure
        } catch {
            return
        }
        let first = firstAsk()
        for n in 0..<limit {
            let ask = n == 0 ? first.ask : walk()
            let isReask = n == 0 && first.isReask
            if isReask { stats.reasks += 1 }
            lastAsked = ask
            let request = message(for: ask)
            do {
                try conn.send(request)
            } catch {
                return
            }
            stats.requests += 1
            let sent = DispatchTime.now().uptimeNanoseconds
            afterSend(n)
            // A round trip that included a kill is not a round trip.
            let timed = DispatchTime.now().uptimeNanoseconds - sent < 100_000
            let reply: PrivvalMessage
            do { reply = try conn.receive() } catch {
                stats.unanswered += 1
                return
            }
            if timed {
                if roundTrips.count == 64 { roundTrips.removeFirst() }
                roundTrips.append(Int((DispatchTime.now().uptimeNanoseconds - sent) / 1000))
            }
            if try take(reply, ask: ask, origin: "\(origin) request \(n)") {
                if isReask { stats.reasksSigned += 1 }
            }
        }
    }

    /// What to ask first on a new connection.
    private func firstAsk() -> (ask: Ask, isReask: Bool) {
        guard let asked = lastAsked else { return (walk(), false) }
        let roll = Double.random(in: 0..<1, using: &rng)
        forks += 1
        let ask: Ask
        switch roll {
        case ..<0.35:
            ask = Ask(hrs: asked.hrs, variant: "fork-\(forks)")
        case ..<0.6:
            ask = Ask(hrs: (lastSigned ?? asked).hrs, variant: "fork-\(forks)")
        case ..<0.75:
            ask = asked
        case ..<0.85:
            var lower = asked.hrs
            if lower.step > 1 {
                lower.step -= 1
            } else if lower.height > 1 {
                lower = HRS(height: lower.height - 1, round: 0, step: 3)
            }
            ask = Ask(hrs: lower, variant: "fork-\(forks)")
        default:
            return (walk(), false)
        }
        return (ask, true)
    }

    /// The next step of the normal walk: proposal, prevote, precommit; one height in ten needs a second round.
    private func walk() -> Ask {
        let ask = Ask(hrs: next, variant: "")
        if next.step < 3 {
            next.step += 1
        } else if next.round == 0 && Int.random(in: 0..<10, using: &rng) == 0 {
            next = HRS(height: next.height, round: 1, step: 1)
        } else {
            next = HRS(height: next.height + 1, round: 0, step: 1)
        }
        return ask
    }

    private func message(for ask: Ask) -> PrivvalMessage {
        let block = ConsensusDriver.blockID(height: ask.hrs.height, variant: "r\(ask.hrs.round)\(ask.variant)")
        if ask.hrs.step == 1 {
            var p = Proposal()
            p.type = .proposal
            p.height = ask.hrs.height
            p.round = ask.hrs.round
            p.polRound = -1
            p.blockID = block
            p.timestamp = ConsensusDriver.now()
            return .signProposalRequest(p, chainID: chainID)
        }
        let type: SignedMsgType = ask.hrs.step == 2 ? .prevote : .precommit
        return .signVoteRequest(
            ConsensusDriver.vote(type, height: ask.hrs.height, round: ask.hrs.round, blockID: block), chainID: chainID)
    }

    /// Records a signed reply (true) or counts a refusal (false).
    private func take(_ reply: PrivvalMessage, ask: Ask, origin: String) throws -> Bool {
        guard let pk = publicKey else { return false }
        let record: SignedRecord
        switch reply {
        case .signedVoteResponse(_, _?), .signedProposalResponse(_, _?):
            stats.refused += 1
            return false
        case .signedVoteResponse(let vote, nil):
            guard pk.isValidSignature(vote.signature, for: SignBytes.vote(vote, chainID: chainID)) else {
                throw ConsensusDriver.Failure(description: "vote signature does not verify at \(ask.hrs) (\(origin))")
            }
            record = SignedRecord(vote: vote, chainID: chainID, origin: origin)
        case .signedProposalResponse(let proposal, nil):
            guard pk.isValidSignature(proposal.signature, for: SignBytes.proposal(proposal, chainID: chainID)) else {
                throw ConsensusDriver.Failure(
                    description: "proposal signature does not verify at \(ask.hrs) (\(origin))")
            }
            record = SignedRecord(proposal: proposal, chainID: chainID, origin: origin)
        default:
            throw ConsensusDriver.Failure(description: "unexpected reply \(reply) (\(origin))")
        }
        guard (record.height, record.round, record.step) == (ask.hrs.height, ask.hrs.round, ask.hrs.step) else {
            throw ConsensusDriver.Failure(
                description: "reply for h/r/s \(record.hrs) to a request for \(ask.hrs) (\(origin))")
        }
        stats.signed += 1
        lastSigned = ask
        ledger.record(record)
        return true
    }
}
