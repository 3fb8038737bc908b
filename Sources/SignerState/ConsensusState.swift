/// CometBFT FilePV step numbering (privval/file.go); tmkms numbers the same steps one lower.
public enum SignStep: Int8, Comparable, Sendable, CustomStringConvertible {
    /// Nothing signed yet (a fresh state file).
    case none = 0
    case propose = 1
    case prevote = 2
    case precommit = 3

    /// Maps a `SignedMsgType` wire value (prevote 1, precommit 2, proposal 32); nil for anything else.
    public init?(signedMsgType: Int32) {
        switch signedMsgType {
        case 1: self = .prevote
        case 2: self = .precommit
        case 32: self = .propose
        default: return nil
        }
    }

    public static func < (a: SignStep, b: SignStep) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .none: "none"
        case .propose: "proposal"
        case .prevote: "prevote"
        case .precommit: "precommit"
        }
    }
}

/// A `google.protobuf.Timestamp`, kept here as plain numbers so this module does not depend on the codec.
public struct SignTimestamp: Hashable, Sendable {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32) {
        self.seconds = seconds
        self.nanos = nanos
    }
}

/// The last thing this signer signed for a chain: FilePV's `FilePVLastSignState`.
public struct LastSignState: Hashable, Sendable {
    public var height: Int64
    public var round: Int32
    public var step: SignStep
    /// Empty when nothing was signed yet, or when the state was imported from tmkms (which keeps no signature).
    public var signature: [UInt8]
    /// Empty under the same conditions as `signature`.
    public var signBytes: [UInt8]

    public init(height: Int64, round: Int32, step: SignStep, signature: [UInt8] = [], signBytes: [UInt8] = []) {
        self.height = height
        self.round = round
        self.step = step
        self.signature = signature
        self.signBytes = signBytes
    }

    /// Height 0, nothing signed.
    public static let initial = LastSignState(height: 0, round: 0, step: .none)

    /// `height/round/step` with the step as a FilePV number, as in log lines and refusals.
    public var hrs: String { "\(height)/\(round)/\(step.rawValue)" }

    /// Strictly later in height, round, step order.
    public func isAhead(of other: LastSignState) -> Bool {
        (height, round, step.rawValue) > (other.height, other.round, other.step.rawValue)
    }
}

/// What the double-sign check needs to know about one sign request.
public struct SignRequestInfo: Sendable {
    public var height: Int64
    public var round: Int32
    public var step: SignStep
    /// Canonical sign bytes of the request (what would be signed).
    public var signBytes: [UInt8]
    /// Called only at the same height/round/step with different sign bytes: returns the timestamp inside
    /// `stored` when the two sign bytes differ in nothing but their timestamps, else nil.
    public var timestampOnlyDifference: @Sendable (_ stored: [UInt8], _ request: [UInt8]) -> SignTimestamp?

    public init(
        height: Int64, round: Int32, step: SignStep, signBytes: [UInt8],
        timestampOnlyDifference: @escaping @Sendable (_ stored: [UInt8], _ request: [UInt8]) -> SignTimestamp?
    ) {
        self.height = height
        self.round = round
        self.step = step
        self.signBytes = signBytes
        self.timestampOnlyDifference = timestampOnlyDifference
    }

    public var hrs: String { "\(height)/\(round)/\(step.rawValue)" }
}

/// The double-sign check's verdict.
public enum Decision: Hashable, Sendable {
    /// A new height/round/step: sign, persist, then reply.
    case sign
    /// The same height/round/step was signed before with the same data: reply with the stored signature.
    /// `timestamp` is nil when the sign bytes are identical; otherwise the reply must carry this stored
    /// timestamp instead of the requested one, so the signature verifies.
    case reuse(signature: [UInt8], timestamp: SignTimestamp?)
    /// Signing would risk a double sign or go backwards.
    case refuse(Refusal)
}

/// CometBFT FilePV rules (privval/file.go `CheckHRS`, `signVote`, `signProposal`), as a pure function.
public enum ConsensusState {
    /// Decides what to do with `request` given the last signed state.
    ///
    /// Heights, rounds and steps must strictly increase for a new signature. At the same height, round and step
    /// the stored signature is returned when the sign bytes are identical or differ only in the timestamp;
    /// anything else is refused. A state without sign bytes (imported from tmkms) cannot prove a request
    /// identical, so the same height/round/step is refused there.
    public static func decide(last: LastSignState, request: SignRequestInfo) -> Decision {
        if request.height <= 0 || request.round < 0 || request.step == .none {
            return .refuse(.invalidRequest(request))
        }
        if request.height < last.height { return .refuse(.heightRegression(last: last, request: request)) }
        guard request.height == last.height else { return .sign }
        if request.round < last.round { return .refuse(.roundRegression(last: last, request: request)) }
        guard request.round == last.round else { return .sign }
        if request.step < last.step { return .refuse(.stepRegression(last: last, request: request)) }
        guard request.step == last.step else { return .sign }

        guard !last.signBytes.isEmpty else { return .refuse(.noSignBytes(last: last)) }
        guard !last.signature.isEmpty else { return .refuse(.noSignature(last: last)) }
        if last.signBytes == request.signBytes { return .reuse(signature: last.signature, timestamp: nil) }
        if let stored = request.timestampOnlyDifference(last.signBytes, request.signBytes) {
            return .reuse(signature: last.signature, timestamp: stored)
        }
        return .refuse(.conflictingData(last: last, request: request))
    }
}

extension LastSignState {
    /// The state to persist after signing `request` with `signature`.
    public init(signed request: SignRequestInfo, signature: [UInt8]) {
        self.init(
            height: request.height, round: request.round, step: request.step, signature: signature,
            signBytes: request.signBytes)
    }
}
