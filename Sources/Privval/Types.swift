/// `tendermint.types.SignedMsgType`. Values outside the enum are kept as `.other` so a request
/// re-encodes byte for byte; the signer refuses to sign them.
public enum SignedMsgType: RawRepresentable, Hashable, Sendable {
    case unknown, prevote, precommit, proposal
    case other(Int32)

    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unknown
        case 1: self = .prevote
        case 2: self = .precommit
        case 32: self = .proposal
        default: self = .other(rawValue)
        }
    }

    public var rawValue: Int32 {
        switch self {
        case .unknown: 0
        case .prevote: 1
        case .precommit: 2
        case .proposal: 32
        case .other(let v): v
        }
    }

    /// Equality by wire value, so `.other(1)` built by hand still equals `.prevote`.
    public static func == (a: SignedMsgType, b: SignedMsgType) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }

    /// The short name used in logs: `Prevote`, `Precommit`, `Proposal`.
    public var name: String {
        switch self {
        case .unknown: "Unknown"
        case .prevote: "Prevote"
        case .precommit: "Precommit"
        case .proposal: "Proposal"
        case .other(let v): "Type(\(v))"
        }
    }

    /// The proto enum name, as Go's `SignedMsgType.String()` prints it.
    public var protoName: String {
        switch self {
        case .unknown: "SIGNED_MSG_TYPE_UNKNOWN"
        case .prevote: "SIGNED_MSG_TYPE_PREVOTE"
        case .precommit: "SIGNED_MSG_TYPE_PRECOMMIT"
        case .proposal: "SIGNED_MSG_TYPE_PROPOSAL"
        case .other(let v): "\(v)"
        }
    }
}

/// `google.protobuf.Timestamp` as gogoproto's stdtime sees it: always present, Go's zero time by default.
public struct Timestamp: Hashable, Sendable, Comparable {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Go's `time.Time{}` (0001-01-01T00:00:00Z), which CometBFT encodes for an unset timestamp.
    public static let goZero = Timestamp(seconds: -62_135_596_800, nanos: 0)

    /// The range Go's `StdTimeUnmarshal` accepts: years 0001 through 9999.
    static let validSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanos) < (b.seconds, b.nanos)
    }
}

public struct PartSetHeader: Hashable, Sendable {
    public var total: UInt32
    public var hash: [UInt8]

    public init(total: UInt32 = 0, hash: [UInt8] = []) {
        self.total = total
        self.hash = hash
    }

    public var isZero: Bool { total == 0 && hash.isEmpty }
}

public struct BlockID: Hashable, Sendable {
    public var hash: [UInt8]
    public var partSetHeader: PartSetHeader

    public init(hash: [UInt8] = [], partSetHeader: PartSetHeader = PartSetHeader()) {
        self.hash = hash
        self.partSetHeader = partSetHeader
    }

    /// A vote for nil: empty hash and zero part-set header (CometBFT `BlockID.IsZero`).
    /// Such a block id is left out of the canonical sign bytes.
    public var isNil: Bool { hash.isEmpty && partSetHeader.isZero }
}

/// `tendermint.types.Vote` (fields 1–8; v0.38 adds extension 9 and extension_signature 10).
public struct Vote: Hashable, Sendable {
    public var type: SignedMsgType
    public var height: Int64
    public var round: Int32
    public var blockID: BlockID
    public var timestamp: Timestamp
    public var validatorAddress: [UInt8]
    public var validatorIndex: Int32
    public var signature: [UInt8]
    public var `extension`: [UInt8]
    public var extensionSignature: [UInt8]

    public init(type: SignedMsgType = .unknown, height: Int64 = 0, round: Int32 = 0, blockID: BlockID = BlockID(),
                timestamp: Timestamp = .goZero, validatorAddress: [UInt8] = [], validatorIndex: Int32 = 0,
                signature: [UInt8] = [], extension: [UInt8] = [], extensionSignature: [UInt8] = []) {
        self.type = type
        self.height = height
        self.round = round
        self.blockID = blockID
        self.timestamp = timestamp
        self.validatorAddress = validatorAddress
        self.validatorIndex = validatorIndex
        self.signature = signature
        self.extension = `extension`
        self.extensionSignature = extensionSignature
    }
}

/// `tendermint.types.Proposal`.
public struct Proposal: Hashable, Sendable {
    public var type: SignedMsgType
    public var height: Int64
    public var round: Int32
    public var polRound: Int32
    public var blockID: BlockID
    public var timestamp: Timestamp
    public var signature: [UInt8]

    public init(type: SignedMsgType = .unknown, height: Int64 = 0, round: Int32 = 0, polRound: Int32 = 0,
                blockID: BlockID = BlockID(), timestamp: Timestamp = .goZero, signature: [UInt8] = []) {
        self.type = type
        self.height = height
        self.round = round
        self.polRound = polRound
        self.blockID = blockID
        self.timestamp = timestamp
        self.signature = signature
    }
}

/// `tendermint.privval.RemoteSignerError`. Go's handler always sends code 0, tmkms sends 2.
public struct RemoteSignerError: Hashable, Sendable, Error, CustomStringConvertible {
    public var code: Int32
    public var description: String

    public init(code: Int32, description: String) {
        self.code = code
        self.description = description
    }
}

/// `tendermint.crypto.PublicKey` (a oneof of raw key bytes).
public enum PublicKey: Hashable, Sendable {
    case ed25519([UInt8])
    case secp256k1([UInt8])
}
