import Privval
import SigilCrypto

/// One signature a node received, as the double-sign check needs it. Built from the signed reply, so
/// `signBytes` is exactly what `signature` covers (a reused signature comes back with its stored timestamp).
public struct SignedRecord: Hashable, Sendable, CustomStringConvertible {
    public let height: Int64
    public let round: Int32
    /// FilePV numbering: proposal 1, prevote 2, precommit 3.
    public let step: Int8
    public let signBytes: [UInt8]
    /// The same message with its timestamp set to a fixed value: two records that agree here differ at most
    /// in their timestamps, which FilePV treats as the same vote.
    public let signBytesWithoutTimestamp: [UInt8]
    public let signature: [UInt8]
    /// Where it came from (a connection, a kill number, a signer name), for the report.
    public let origin: String

    public init(vote: Vote, chainID: String, origin: String) {
        var untimed = vote
        untimed.timestamp = .goZero
        self.init(height: vote.height, round: vote.round, step: vote.type == .precommit ? 3 : 2,
                  signBytes: SignBytes.vote(vote, chainID: chainID),
                  signBytesWithoutTimestamp: SignBytes.vote(untimed, chainID: chainID),
                  signature: vote.signature, origin: origin)
    }

    public init(proposal: Proposal, chainID: String, origin: String) {
        var untimed = proposal
        untimed.timestamp = .goZero
        self.init(height: proposal.height, round: proposal.round, step: 1,
                  signBytes: SignBytes.proposal(proposal, chainID: chainID),
                  signBytesWithoutTimestamp: SignBytes.proposal(untimed, chainID: chainID),
                  signature: proposal.signature, origin: origin)
    }

    init(height: Int64, round: Int32, step: Int8, signBytes: [UInt8], signBytesWithoutTimestamp: [UInt8],
         signature: [UInt8], origin: String) {
        self.height = height
        self.round = round
        self.step = step
        self.signBytes = signBytes
        self.signBytesWithoutTimestamp = signBytesWithoutTimestamp
        self.signature = signature
        self.origin = origin
    }

    public var hrs: String { "\(height)/\(round)/\(step)" }

    func isBelow(_ other: SignedRecord) -> Bool {
        (height, round, step) < (other.height, other.round, other.step)
    }

    func sameHRS(_ other: SignedRecord) -> Bool {
        height == other.height && round == other.round && step == other.step
    }

    public var description: String {
        "h/r/s \(hrs) sign bytes \(hexPrefix(signBytes)) signature \(hexPrefix(signature)) (\(origin))"
    }
}

/// Two released signatures that FilePV's rules forbid together.
public struct SignConflict: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The same height/round/step signed over data that differs in more than the timestamp: a double sign.
        case conflictingData = "same h/r/s, different data"
        /// A lower height/round/step signed after a higher one had been released.
        case regression = "lower h/r/s signed after a higher one"
    }

    public let kind: Kind
    public let earlier: SignedRecord
    public let later: SignedRecord

    public var description: String { "\(kind.rawValue): \(earlier) then \(later)" }
}

/// Every signature a node (or several nodes of one validator) received, in the order received, checked against
/// CometBFT FilePV's rules as each arrives. This is the oracle of the crash, power-cut and fault campaigns; it
/// knows nothing about the signer, only what left it.
public struct DoubleSignLedger: Sendable {
    public private(set) var records: [SignedRecord] = []
    public private(set) var conflicts: [SignConflict] = []
    private var byHRS: [String: [SignedRecord]] = [:]
    private var highest: SignedRecord?

    public init() {}

    /// Adds one received signature; returns the conflicts it creates (none when it is allowed).
    @discardableResult
    public mutating func record(_ r: SignedRecord) -> [SignConflict] {
        var found: [SignConflict] = []
        if let top = highest, r.isBelow(top) {
            found.append(SignConflict(kind: .regression, earlier: top, later: r))
        }
        for earlier in byHRS[r.hrs, default: []]
        where earlier.signBytesWithoutTimestamp != r.signBytesWithoutTimestamp {
            found.append(SignConflict(kind: .conflictingData, earlier: earlier, later: r))
            break
        }
        if highest.map({ $0.isBelow(r) }) ?? true { highest = r }
        if !byHRS[r.hrs, default: []].contains(where: { $0.signBytes == r.signBytes }) {
            byHRS[r.hrs, default: []].append(r)
        }
        records.append(r)
        conflicts += found
        return found
    }

    /// The ledger as text, one signature per line: `h/r/s sign_bytes_hex signature_hex origin`.
    public var text: String {
        records.map { "\($0.hrs) \(hex($0.signBytes)) \(hex($0.signature)) \($0.origin)\n" }.joined()
    }
}

private func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

private func hexPrefix(_ bytes: [UInt8]) -> String { String(hex(bytes).prefix(16)) + "…" }
