import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GRPCProtobuf
import SignerConfig
import Synchronization

/// etcd's v3 KV API over gRPC (mutual TLS when configured), called synchronously from Sigil's own threads.
///
/// Each call tries the endpoint that answered last, then the others in config order, each with its own
/// deadline (`timeout_ms`), so a dead member costs at most one deadline and the whole call gives up after
/// `endpoints.count x timeout_ms` (plus a little scheduling slack): see `giveUpSeconds`.
public final class EtcdClient: Sendable {
    typealias KV = Etcdserverpb_KV.Client<HTTP2ClientTransport.Posix>

    private struct Member: Sendable {
        let name: String
        let client: GRPCClient<HTTP2ClientTransport.Posix>
        let kv: KV
    }

    private let members: [Member]
    private let executor = QueueExecutor(label: "sigil.etcd")
    private let deadline: Duration
    private let observer: any EtcdObserver
    /// Index of the member that answered last.
    private let preferred = Mutex(0)

    public let config: EtcdBackendConfig

    public init(config: EtcdBackendConfig, observer: any EtcdObserver = NoEtcdObserver()) throws(EtcdError) {
        self.config = config
        self.observer = observer
        deadline = .milliseconds(config.timeoutMs)
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let ca = config.caFile, let cert = config.certFile, let key = config.keyFile {
            security = .mTLS(
                certificateChain: [.file(path: cert, format: .pem)], privateKey: .file(path: key, format: .pem)
            ) { tls in
                tls.trustRoots = .certificates([.file(path: ca, format: .pem)])
                tls.serverCertificateVerification = .fullVerification
            }
        } else {
            security = .plaintext
        }
        let transportConfig = HTTP2ClientTransport.Posix.Config.defaults { c in
            // A member that comes back is retried within a second, not after gRPC's default two minutes.
            c.backoff = .init(initial: .milliseconds(50), max: .seconds(1), multiplier: 1.6, jitter: 0.2)
        }
        var members: [Member] = []
        for endpoint in config.endpoints {
            let target: any ResolvableTarget
            if IPv4Literal(endpoint.host) != nil {
                target = ResolvableTargets.IPv4.ipv4(address: endpoint.host, port: endpoint.port)
            } else if endpoint.host.contains(":") {
                target = ResolvableTargets.IPv6.ipv6(address: endpoint.host, port: endpoint.port)
            } else {
                target = ResolvableTargets.DNS.dns(host: endpoint.host, port: endpoint.port)
            }
            let transport: HTTP2ClientTransport.Posix
            do {
                transport = try HTTP2ClientTransport.Posix(
                    target: target, transportSecurity: security, config: transportConfig)
            } catch {
                throw EtcdError.setup("cannot use \(endpoint) with the TLS files given: \(Self.describe(error))")
            }
            let client = GRPCClient(transport: transport)
            Task.detached(executorPreference: executor) { try? await client.runConnections() }
            members.append(Member(name: endpoint.description, client: client, kv: KV(wrapping: client)))
        }
        self.members = members
    }

    deinit {
        for m in members { m.client.beginGracefulShutdown() }
    }

    /// How long one call may take at most before it reports every endpoint failed.
    public var giveUpSeconds: Double { Double(members.count * config.timeoutMs) / 1000 }

    /// The key's value and mod revision, nil when the key does not exist.
    public func get(_ key: String) throws(EtcdError) -> (value: [UInt8], modRevision: Int64)? {
        var request = Etcdserverpb_RangeRequest()
        request.key = Data(key.utf8)
        let range = request
        let response = try call("range") { kv, options in try await kv.range(range, options: options) }
        guard let kv = response.kvs.first else { return nil }
        return (Array(kv.value), kv.modRevision)
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
        var compare = Etcdserverpb_Compare()
        compare.key = Data(key.utf8)
        compare.result = .equal
        if let expected {
            compare.target = .mod
            compare.modRevision = expected
        } else {
            compare.target = .version
            compare.version = 0
        }
        var put = Etcdserverpb_PutRequest()
        put.key = Data(key.utf8)
        put.value = Data(value)
        var range = Etcdserverpb_RangeRequest()
        range.key = Data(key.utf8)
        var txn = Etcdserverpb_TxnRequest()
        txn.compare = [compare]
        txn.success = [.with { $0.requestPut = put }]
        txn.failure = [.with { $0.requestRange = range }]
        let request = txn
        let response = try call("txn") { kv, options in try await kv.txn(request, options: options) }
        if response.succeeded {
            // The Txn's header revision is the store revision it created: the key's new mod revision.
            guard response.hasHeader, response.header.revision > 0 else {
                throw EtcdError.unexpected("a successful Txn on \(key) without a revision in its header")
            }
            return .won(modRevision: response.header.revision)
        }
        guard response.responses.count == 1, case .responseRange(let r)? = response.responses[0].response else {
            throw EtcdError.unexpected("a failed Txn on \(key) did not carry the key's current value")
        }
        return .lost(current: r.kvs.first.map { (Array($0.value), $0.modRevision) })
    }

    /// Tries each endpoint once, last good first, each within the deadline.
    private func call<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (KV, CallOptions) async throws -> T
    ) throws(EtcdError) -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        let first = preferred.withLock { $0 }
        var failures: [(endpoint: String, cause: String)] = []
        var callOptions = CallOptions.defaults
        callOptions.timeout = deadline
        // Fail fast on a member whose connection is known broken instead of waiting for it.
        callOptions.waitForReady = false
        let options = callOptions
        for step in 0..<members.count {
            let index = (first + step) % members.count
            let member = members[index]
            let attemptStart = DispatchTime.now().uptimeNanoseconds
            let result = blocking(on: executor, limit: deadline + .milliseconds(200)) {
                try await body(member.kv, options)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - attemptStart) / 1e9
            switch result {
            case .success(let value)?:
                observer.attempted(operation, endpoint: member.name, seconds: seconds, ok: true)
                if index != first { preferred.withLock { $0 = index } }
                return value
            case .failure(let error)?:
                observer.attempted(operation, endpoint: member.name, seconds: seconds, ok: false)
                failures.append((member.name, Self.describe(error, deadline: config.timeoutMs)))
            case nil:
                observer.attempted(operation, endpoint: member.name, seconds: seconds, ok: false)
                failures.append((member.name, "no answer within \(config.timeoutMs) ms"))
            }
            if step + 1 < members.count { observer.failedOver(from: member.name) }
        }
        throw EtcdError.unavailable(failures, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    /// One short phrase per failure: gRPC's code and message, and the TLS or socket error under it. A TLS
    /// failure is named by BoringSSL's reason with what to check, not NIO's nested error dump.
    static func describe(_ error: any Error, deadline: Int? = nil) -> String {
        guard let rpc = error as? RPCError else { return "\(error)" }
        if rpc.code == .deadlineExceeded, let deadline { return "no answer within \(deadline) ms" }
        var text = rpc.message
        var cause = rpc.cause
        while let c = cause {
            if let inner = c as? RPCError {
                text += ": \(inner.message)"
                cause = inner.cause
            } else {
                let detail = "\(c)"
                if let tls = tlsReason(detail) { return tls }
                text += ": \(detail)"
                cause = nil
            }
        }
        return "\(rpc.code) (\(text))"
    }

    /// `...SSL routines:OPENSSL_internal:REASON at path...` -> a phrase with the config key to check.
    static func tlsReason(_ detail: String) -> String? {
        guard let range = detail.range(of: "OPENSSL_internal:") else { return nil }
        let reason = detail[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        switch reason {
        case "CERTIFICATE_VERIFY_FAILED":
            return "TLS handshake failed (CERTIFICATE_VERIFY_FAILED): the member's certificate does not verify "
                + "against ca_file, or does not name this address"
        case "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
             "TLSV1_ALERT_ACCESS_DENIED", "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE":
            return "TLS handshake failed (\(reason)): etcd refused Sigil's client certificate (cert_file, key_file; "
                + "etcd's --trusted-ca-file must have signed it)"
        default:
            return "TLS handshake failed (\(reason))"
        }
    }
}

/// Just enough to tell an IPv4 literal from a host name (NIO wants IP targets without SNI).
private struct IPv4Literal {
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return nil }
    }
}
