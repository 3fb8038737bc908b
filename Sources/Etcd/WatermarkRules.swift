import SignerState

/// The shared watermark's decision, as a pure function of the request, the local state and the etcd record.
///
/// FilePV's rules (`ConsensusState.decide`) run against the etcd record. A local state ahead of the record
/// (a single signer migrated to etcd, or a record restored from an old backup) is written to etcd first, so the
/// record never lags any signature this machine released and every signer decides against it.
public enum WatermarkRules {
    public enum Step: Hashable, Sendable {
        /// Move the record up to the local state (same compare-and-put as a signature), then decide again.
        case raise(LastSignState)
        /// A new height/round/step: sign, then win the record with the new state before releasing.
        case sign
        /// The record already holds this signature (this signer's, after a lost answer, or another signer's).
        case reuse(signature: [UInt8], timestamp: SignTimestamp?)
        case refuse(Refusal)
    }

    /// `record` is nil when the key does not exist yet.
    public static func next(request: SignRequestInfo, local: LastSignState, record: LastSignState?) -> Step {
        let shared = record ?? .initial
        if local.isAhead(of: shared) { return .raise(local) }
        switch ConsensusState.decide(last: shared, request: request) {
        case .sign: return .sign
        case .reuse(let signature, let timestamp): return .reuse(signature: signature, timestamp: timestamp)
        case .refuse(let refusal): return .refuse(refusal)
        }
    }
}
