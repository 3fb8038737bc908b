import SignerState
import Synchronization

/// A chain's shared double-sign watermark in etcd: the sign path's `SharedWatermark`.
///
/// Every signature that leaves was first written to the record by a Txn comparing the record's mod revision
/// with the one this signer decided against. The record and its revision are cached after each round trip,
/// so a normal signature costs one Txn; any failure drops the cache and the next request reads the record
/// afresh.
public final class EtcdWatermark: SharedWatermark {
    public let client: EtcdClient
    public let record: EtcdRecord
    /// What this signer last saw in etcd: nil = unknown (read first), `.some(nil)` = no key yet.
    private let cache = Mutex<EtcdRecord.Stored??>(nil)

    /// Bounds the re-decide loop: each turn follows another signer's win or this signer's raise.
    static let maxTurns = 6

    public init(client: EtcdClient, chainID: String) {
        self.client = client
        self.record = EtcdRecord(prefix: client.config.prefix, chainID: chainID)
    }

    public func sign(request: SignRequestInfo, local: LastSignState, signer: ([UInt8]) throws -> [UInt8]) throws
        -> SharedSignature
    {
        do {
            return try decide(request: request, local: local, signer: signer)
        } catch {
            cache.withLock { $0 = nil }
            throw error
        }
    }

    private func decide(request: SignRequestInfo, local: LastSignState, signer: ([UInt8]) throws -> [UInt8]) throws
        -> SharedSignature
    {
        var current = try cached()
        for _ in 0..<Self.maxTurns {
            switch WatermarkRules.next(request: request, local: local, record: current?.state) {
            case .refuse(let refusal):
                throw refusal
            case .reuse(let signature, let timestamp):
                return SharedSignature(
                    signature: signature, timestamp: timestamp, reused: true, record: current?.state ?? .initial)
            case .raise(let state):
                current = try put(state, over: current)
            case .sign:
                let signature = try signer(request.signBytes)
                let next = LastSignState(signed: request, signature: signature)
                let after = try put(next, over: current)
                // Ours, or (after a lost answer) our own earlier Txn: Ed25519 signs the same bytes identically.
                if after?.state == next {
                    return SharedSignature(signature: signature, timestamp: nil, reused: false, record: next)
                }
                // Lost: the loop decides again against the winner.
                current = after
            }
        }
        throw EtcdError.contended(key: record.key, attempts: Self.maxTurns)
    }

    /// The record as last seen, reading it when unknown.
    private func cached() throws(EtcdError) -> EtcdRecord.Stored? {
        if let known = cache.withLock({ $0 }) { return known }
        let stored = try client.get(record.key).map { (v) throws(EtcdError) in
            try record.decode(v.value, modRevision: v.modRevision)
        }
        cache.withLock { $0 = .some(stored) }
        return stored
    }

    /// Compare-and-put `state` over `current`; returns what the key holds afterwards (ours or the winner's).
    private func put(_ state: LastSignState, over current: EtcdRecord.Stored?) throws(EtcdError) -> EtcdRecord.Stored? {
        let after: EtcdRecord.Stored?
        switch try client.compareAndPut(record.key, expected: current?.modRevision, value: record.encode(state)) {
        case .won(let revision):
            after = EtcdRecord.Stored(state: state, modRevision: revision)
        case .lost(let winner):
            after = try winner.map { (v) throws(EtcdError) in try record.decode(v.value, modRevision: v.modRevision) }
        }
        cache.withLock { $0 = .some(after) }
        return after
    }

    /// `sigil state set` against etcd: raises the record to `state` with the same Txn; never lowers it.
    /// A record already at or above `state` is left as it is.
    public func raise(to state: LastSignState) throws(EtcdError) -> RaiseResult {
        var current = try cached()
        for _ in 0..<Self.maxTurns {
            if let c = current, !state.isAhead(of: c.state) { return .unchanged(c.state) }
            let before = current?.state
            let after = try put(state, over: current)
            if after?.state == state { return .raised(from: before) }
            current = after
        }
        throw EtcdError.contended(key: record.key, attempts: Self.maxTurns)
    }

    /// The record as etcd holds it now (nil: no key), read afresh.
    public func read() throws(EtcdError) -> LastSignState? {
        cache.withLock { $0 = nil }
        return try cached()?.state
    }

    public enum RaiseResult: Hashable, Sendable {
        case raised(from: LastSignState?)
        case unchanged(LastSignState)
    }
}
