/// A chain's authoritative last-signed record kept outside this machine (etcd), shared by every signer that
/// holds the key. `ChainState` asks it before any signature leaves and writes the local state after it.
///
/// Called under the chain's lock, on a signer thread (never on Swift's cooperative pool), so it may block.
public protocol SharedWatermark: AnyObject, Sendable {
    /// Runs FilePV's rules against the shared record (raised to `local` first when `local` is ahead), calls
    /// `signer` when a new signature is needed, and returns only once the shared record holds the state the
    /// returned signature belongs to. Throws a `Refusal` when the rules refuse, anything else when the record
    /// could not be read or moved (no signature may leave then).
    func sign(request: SignRequestInfo, local: LastSignState, signer: ([UInt8]) throws -> [UInt8]) throws
        -> SharedSignature
}

/// What a `SharedWatermark` released.
public struct SharedSignature: Hashable, Sendable {
    public var signature: [UInt8]
    /// The stored timestamp to put in the reply (a timestamp-only difference), as in `Decision.reuse`.
    public var timestamp: SignTimestamp?
    /// True when the signature was already in the shared record (this signer's or another's).
    public var reused: Bool
    /// The shared record the signature belongs to: the local state is raised to it.
    public var record: LastSignState

    public init(signature: [UInt8], timestamp: SignTimestamp?, reused: Bool, record: LastSignState) {
        self.signature = signature
        self.timestamp = timestamp
        self.reused = reused
        self.record = record
    }
}

/// The CometBFT `priv_validator_state.json` shape as a record stored elsewhere (the etcd value).
public enum SignStateRecord {
    /// Compact JSON in FilePV's keys, so `etcdctl get` shows it readably.
    public static func encode(_ state: LastSignState) -> [UInt8] {
        StateFileFormat.encode(state)
    }

    /// Reads a CometBFT-shaped record; a tmkms-shaped one or anything else is refused with the reason.
    public static func decode(_ bytes: [UInt8]) -> Result<LastSignState, RecordError> {
        do {
            let (state, origin) = try StateFileFormat.decode(bytes)
            guard origin == .cometbft else { return .failure(RecordError(what: "it is a tmkms state (block_id)")) }
            return .success(state)
        } catch {
            return .failure(RecordError(what: error.what))
        }
    }

    public struct RecordError: Error, Hashable, Sendable {
        public let what: String
    }
}
