import SignerState

/// What the signing path tells the outside world (metrics, status) about itself. It is called only after the
/// reply has been written, so no recorder can delay or reorder the durable state write before the reply.
public protocol SignerRecorder: Sendable {
    func connected(_ link: LinkInfo, handshakeSeconds: Double)
    func connectFailed(_ link: LinkInfo)
    func disconnected(_ link: LinkInfo)
    /// One request answered; `roundTripSeconds` runs from the decoded request to the written reply.
    func answered(_ link: LinkInfo, _ event: SignEvent, roundTripSeconds: Double)
}

/// One `[[validator]]` connection as metrics label it.
public struct LinkInfo: Hashable, Sendable {
    public let chainID: String
    /// The `addr` as written in the config, e.g. `tcp://10.200.0.1:26659`.
    public let validator: String
    public init(chainID: String, validator: String) {
        self.chainID = chainID
        self.validator = validator
    }
}

/// Why a request got an error reply instead of a signature. The raw values are the `reason` label.
public enum RefusalReason: String, Sendable, CaseIterable {
    case doubleSign = "double_sign"
    /// Height, round or step below what was signed.
    case regression
    case chainID = "chain_id"
    /// The state could not be written (or read): the signature was withheld.
    case disk
    /// The key backend failed to sign (softsign today; a remote state backend such as etcd later).
    case backend
    case maxHeight = "max_height"
    /// A malformed request: wrong type, stray extension, damaged or imported state without sign bytes.
    case invalid

    init(_ refusal: Refusal) {
        switch refusal.code {
        case .conflictingData: self = .doubleSign
        case .heightRegression, .roundRegression, .stepRegression: self = .regression
        case .noSignBytes, .noSignature, .invalidRequest: self = .invalid
        }
    }
}

/// The outcome of one request.
public enum SignEvent: Sendable, Equatable {
    /// A signature left. `stateWriteSeconds` is nil when the stored signature was reused (nothing written).
    case signed(step: SignStep, height: Int64, round: Int32, stateWriteSeconds: Double?)
    case refused(RefusalReason)
    /// Pings, public-key requests: nothing to count beyond the round trip.
    case other
}

/// The recorder used when nothing listens.
public struct NoRecorder: SignerRecorder {
    public init() {}
    public func connected(_ link: LinkInfo, handshakeSeconds: Double) {}
    public func connectFailed(_ link: LinkInfo) {}
    public func disconnected(_ link: LinkInfo) {}
    public func answered(_ link: LinkInfo, _ event: SignEvent, roundTripSeconds: Double) {}
}
