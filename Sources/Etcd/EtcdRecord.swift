import SignerState

/// Where and how a chain's last-signed state sits in etcd.
public struct EtcdRecord: Hashable, Sendable {
    /// `<prefix>/<chain_id>/last_sign_state`.
    public let key: String

    public init(prefix: String, chainID: String) {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        key = "\(trimmed)/\(chainID)/last_sign_state"
    }

    /// The key's value and the revision it was last written at; what a compare-and-put compares with.
    public struct Stored: Hashable, Sendable {
        public var state: LastSignState
        public var modRevision: Int64

        public init(state: LastSignState, modRevision: Int64) {
            self.state = state
            self.modRevision = modRevision
        }
    }

    /// The value as etcd holds it: CometBFT's priv_validator_state.json.
    public func encode(_ state: LastSignState) -> [UInt8] { SignStateRecord.encode(state) }

    public func decode(_ value: [UInt8], modRevision: Int64) throws(EtcdError) -> Stored {
        switch SignStateRecord.decode(value) {
        case .success(let state): return Stored(state: state, modRevision: modRevision)
        case .failure(let error): throw EtcdError.garbage(key: key, what: error.what, value: value)
        }
    }
}
