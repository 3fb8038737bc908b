import Foundation
import Privval
import SigilCrypto
import TestSupport
import ValidatorPeer

/// One validator-side peer of a signer (a node or a sentry): asks for one signature at a time, as CometBFT's
/// SignerClient does, and times every reply. A reply slower than `nodeTimeout` is a read timeout here, as at a
/// node, so it shows up as `.dropped`.
final class HAPeer: @unchecked Sendable {
    /// The node's request timeout this suite holds the signer to. CometBFT's is 5 s (timeoutReadWrite); the
    /// issue measured etcdctl spending 3 s on a dead endpoint, so 3 s shows the signer fails over faster.
    static let nodeTimeout = 3.0

    enum Outcome: CustomStringConvertible {
        case signed(SignedRecord)
        case refused(String)
        case dropped(String)

        var record: SignedRecord? { if case .signed(let r) = self { return r } else { return nil } }
        var isRefused: Bool { if case .refused = self { return true } else { return false } }

        var description: String {
            switch self {
            case .signed(let r): return "signed \(r)"
            case .refused(let why): return "refused: \(why)"
            case .dropped(let why): return "dropped: \(why)"
            }
        }
    }

    let name: String
    let conn: ValidatorConnection
    let publicKey: Ed25519.PublicKey
    /// Seconds from each request sent to its reply read (refusals included).
    private(set) var latencies: [Double] = []
    /// Set once the connection failed; a dropped connection is not used again.
    private(set) var broken = false

    init(name: String, conn: ValidatorConnection) throws {
        self.name = name
        self.conn = conn
        var driver = ConsensusDriver(chainID: HASigner.chain)
        publicKey = try driver.fetchPublicKey(conn)
    }

    var slowest: Double { latencies.max() ?? 0 }

    /// Asks for a signature at `hrs` (step 1 proposal, 2 prevote, 3 precommit) over the block named `block`.
    func ask(_ hrs: HRS, block: String, origin: String = "") -> Outcome {
        guard !broken else { return .dropped("\(name): connection already failed") }
        let chain = HASigner.chain
        let blockID = ConsensusDriver.blockID(height: hrs.height, variant: "r\(hrs.round)-\(block)")
        let request: PrivvalMessage
        if hrs.step == 1 {
            var p = Proposal()
            p.type = .proposal
            p.height = hrs.height
            p.round = hrs.round
            p.polRound = -1
            p.blockID = blockID
            p.timestamp = ConsensusDriver.now()
            request = .signProposalRequest(p, chainID: chain)
        } else {
            request = .signVoteRequest(ConsensusDriver.vote(hrs.step == 2 ? .prevote : .precommit, height: hrs.height,
                                                            round: hrs.round, blockID: blockID), chainID: chain)
        }
        let sent = Date()
        let reply: PrivvalMessage
        do { reply = try conn.request(request) } catch {
            broken = true
            return .dropped("\(name) at \(hrs) after \(String(format: "%.3f", Date().timeIntervalSince(sent))) s: \(error)")
        }
        latencies.append(Date().timeIntervalSince(sent))
        let from = "\(name)\(origin.isEmpty ? "" : " \(origin)") block \(block)"
        switch reply {
        case .signedVoteResponse(_, let error?), .signedProposalResponse(_, let error?):
            return .refused(error.description)
        case .signedVoteResponse(let vote, nil)
            where publicKey.isValidSignature(vote.signature, for: SignBytes.vote(vote, chainID: chain)):
            return check(SignedRecord(vote: vote, chainID: chain, origin: from), hrs)
        case .signedProposalResponse(let proposal, nil)
            where publicKey.isValidSignature(proposal.signature, for: SignBytes.proposal(proposal, chainID: chain)):
            return check(SignedRecord(proposal: proposal, chainID: chain, origin: from), hrs)
        default:
            broken = true
            return .dropped("\(name) at \(hrs): a reply no signer may send (bad signature or wrong type): \(reply)")
        }
    }

    private func check(_ record: SignedRecord, _ hrs: HRS) -> Outcome {
        guard (record.height, record.round, record.step) == (hrs.height, hrs.round, hrs.step) else {
            broken = true
            return .dropped("\(name): reply for \(record.hrs) to a request for \(hrs)")
        }
        return .signed(record)
    }

    func close() { conn.close() }
}

/// Height, round and FilePV step (1 proposal, 2 prevote, 3 precommit).
struct HRS: Hashable, Comparable, CustomStringConvertible {
    var height: Int64
    var round: Int32 = 0
    var step: Int8 = 1

    var description: String { "\(height)/\(round)/\(step)" }
    static func < (a: HRS, b: HRS) -> Bool { (a.height, a.round, a.step) < (b.height, b.round, b.step) }

    /// The next step of consensus: proposal, prevote, precommit, then the next height.
    var next: HRS { step < 3 ? HRS(height: height, round: round, step: step + 1) : HRS(height: height + 1) }
}

/// Asks several peers for the same height/round/step at once, each for its own block, after a random head start
/// of up to `jitter` microseconds each so that who asks first differs from one round to the next.
/// `delays` replaces the random head starts (microseconds, one per peer).
func askTogether(_ peers: [HAPeer], _ hrs: HRS, blocks: [String], rng: inout SeededRandom,
                 jitter: UInt32 = 3000, delays fixed: [UInt32]? = nil, origin: String = "") -> [HAPeer.Outcome] {
    let delays = fixed ?? peers.map { _ in UInt32.random(in: 0...jitter, using: &rng) }
    let results = Locked([HAPeer.Outcome?](repeating: nil, count: peers.count))
    DispatchQueue.concurrentPerform(iterations: peers.count) { i in
        usleep(delays[i])  // a random head start, not a wait for anything
        let outcome = peers[i].ask(hrs, block: blocks[i], origin: origin)
        results.mutate { $0[i] = outcome }
    }
    return results.value.map { $0! }
}
