import Dispatch
import SignerConfig
import Synchronization

/// etcd's v3 KV API through its JSON gateway (mutual TLS when configured), called synchronously from Sigil's
/// own threads.
///
/// Each call tries the endpoint that answered last, then the others in config order, each with its own
/// deadline (`timeout_ms`), so a dead member costs at most one deadline and the whole call gives up after
/// `endpoints.count x timeout_ms` (plus a little scheduling slack): see `giveUpSeconds`.
public final class EtcdClient: Sendable {
    private let members: [Gateway]
    private let observer: any EtcdObserver
    /// Index of the member that answered last.
    private let preferred = Mutex(0)

    public let config: EtcdBackendConfig

    public init(config: EtcdBackendConfig, observer: any EtcdObserver = NoEtcdObserver()) throws(EtcdError) {
        self.config = config
        self.observer = observer
        var members: [Gateway] = []
        for endpoint in config.endpoints { members.append(try Gateway(endpoint: endpoint, config: config)) }
        self.members = members
    }

    /// How long one call may take at most before it reports every endpoint failed.
    public var giveUpSeconds: Double { Double(members.count * config.timeoutMs) / 1000 }

    /// The key's value and mod revision, nil when the key does not exist.
    public func get(_ key: String) throws(EtcdError) -> (value: [UInt8], modRevision: Int64)? {
        let body = try call("range", GatewayCodec.rangePath, GatewayCodec.rangeRequest(key: key))
        return try GatewayCodec.parseRange(body, key: key)
    }

    public enum PutResult: Sendable {
        /// The value is stored; this is its new mod revision.
        case won(modRevision: Int64)
        /// Someone else moved the key first: its current value and revision (nil if it was deleted).
        case lost(current: (value: [UInt8], modRevision: Int64)?)
    }

    /// One Txn: if the key's mod revision is still `expected` (or, for nil, the key does not exist), put
    /// `value`; otherwise read the key, so a lost race returns the winner in the same round trip.
    public func compareAndPut(_ key: String, expected: Int64?, value: [UInt8]) throws(EtcdError) -> PutResult {
        let body = try call("txn", GatewayCodec.txnPath, GatewayCodec.txnRequest(key: key, expected: expected, value: value))
        return try GatewayCodec.parseTxn(body, key: key)
    }

    /// Tries each endpoint once, last good first, each within the deadline; returns the first 200 answer's body.
    private func call(_ operation: String, _ path: String, _ request: [UInt8]) throws(EtcdError) -> [UInt8] {
        let started = DispatchTime.now().uptimeNanoseconds
        let first = preferred.withLock { $0 }
        var failures: [(endpoint: String, cause: String)] = []
        for step in 0..<members.count {
            let index = (first + step) % members.count
            let member = members[index]
            let attemptStart = DispatchTime.now().uptimeNanoseconds
            let outcome = member.post(path, request)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - attemptStart) / 1e9
            switch outcome {
            case .answer(_, let body):
                observer.attempted(operation, endpoint: member.name, seconds: seconds, ok: true)
                if index != first { preferred.withLock { $0 = index } }
                return body
            case .failed(let cause):
                observer.attempted(operation, endpoint: member.name, seconds: seconds, ok: false)
                failures.append((member.name, cause))
            }
            if step + 1 < members.count { observer.failedOver(from: member.name) }
        }
        throw EtcdError.unavailable(failures, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
}
