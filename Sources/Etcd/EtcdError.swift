/// Everything that keeps an etcd-backed signer from moving its record. Every message starts with `etcd` so an
/// operator (and a test) can find it in the log. Equality compares `code` only.
public struct EtcdError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No endpoint answered in time (dead members, no quorum, network, TLS).
        case unavailable
        /// The record holds something that is not a sign state.
        case garbage
        /// The Txn kept losing to other signers; try again.
        case contended
        /// An answer that does not fit etcd's API (e.g. a Txn without its range).
        case unexpected
        /// The client could not be set up (TLS files).
        case setup
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: EtcdError, b: EtcdError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    static func unavailable(_ failures: [(endpoint: String, cause: String)], seconds: Double) -> EtcdError {
        // Endpoints that failed alike share one phrase (a wrong ca_file fails on every member the same way).
        var causes: [String] = []
        var endpoints: [String: [String]] = [:]
        for f in failures {
            if endpoints[f.cause] == nil { causes.append(f.cause) }
            endpoints[f.cause, default: []].append(f.endpoint)
        }
        let each = causes.map { "\(endpoints[$0]!.joined(separator: ", ")): \($0)" }.joined(separator: "; ")
        return EtcdError(
            code: .unavailable,
            reason: "etcd unreachable: no endpoint answered (\(each)) after \(Int((seconds * 1000).rounded())) ms; "
                + "nothing was signed; check that a quorum of etcd members is up and reachable")
    }

    static func garbage(key: String, what: String, value: [UInt8]) -> EtcdError {
        EtcdError(
            code: .garbage,
            reason: "etcd key \(key) does not hold a sign state (\(what); value begins \"\(shown(value))\"); nothing was "
                + "signed; restore the record with `sigil state set` or delete the key only if no signer ever used it")
    }

    static func contended(key: String, attempts: Int) -> EtcdError {
        EtcdError(
            code: .contended,
            reason: "etcd key \(key) changed under this signer \(attempts) times in one request; nothing was signed; "
                + "the node will ask again")
    }

    static func unexpected(_ what: String) -> EtcdError {
        EtcdError(code: .unexpected, reason: "etcd answered unexpectedly: \(what); nothing was signed")
    }

    static func setup(_ what: String) -> EtcdError {
        EtcdError(code: .setup, reason: "etcd client: \(what)")
    }

    /// Bytes from etcd as at most 60 characters, control and non-ASCII as `?`, so a binary or huge value cannot
    /// flood or split a log line.
    static func shown(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(60), as: UTF8.self).unicodeScalars
            .map { $0.isASCII && $0.value >= 0x20 ? String($0) : "?" }.joined()
    }
}
