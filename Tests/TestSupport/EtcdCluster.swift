import Foundation

/// A real etcd cluster on loopback for a test, run by scripts/etcd-cluster.sh in a temporary directory: TLS with
/// client certificates (openssl-made CA), members numbered from 1. Stopped and removed by `stop()` or on release.
public final class EtcdCluster: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/etcd-cluster.sh").path

    public let dir: TempDir
    public let tls: Bool
    /// Client URLs, member 1 first.
    public let endpoints: [String]
    private let lock = NSLock()
    private var stopped = false

    /// Starts `members` members and returns once every one answers `etcdctl endpoint health`. A loaded machine
    /// gets two minutes for that (ETCD_START_TIMEOUT overrides).
    public init(members: Int = 3, tls: Bool = true) throws {
        dir = try TempDir("sigil-etcd")
        self.tls = tls
        let (status, out) = try Self.script(["start", dir.url.path, "--members", "\(members)"] + (tls ? [] : ["--plain"]))
        guard status == 0 else {
            dir.remove()
            throw Failure(description: "scripts/etcd-cluster.sh start failed (\(status)): \(out)")
        }
        let text = try String(contentsOfFile: dir.path("endpoints"), encoding: .utf8)
        endpoints = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init)
    }

    deinit { stop() }

    public var caFile: String { dir.path("ca.pem") }
    public var certFile: String { dir.path("sigil.pem") }
    public var keyFile: String { dir.path("sigil-key.pem") }

    /// The `state_backend` inline table of a `[[chain]]` for this cluster (the shape in Docs/configuration.md).
    /// `ca`, `cert` and `key` replace the cluster's own files (the wrong-CA and wrong-cert tests).
    public func stateBackend(prefix: String = "/sigil", timeoutMs: Int? = nil, ca: String? = nil, cert: String? = nil,
                             key: String? = nil) -> String {
        var fields = ["type = \"etcd\"", "endpoints = [\(endpoints.map { "\"\($0)\"" }.joined(separator: ", "))]",
                      "prefix = \"\(prefix)\""]
        if tls {
            fields += ["ca_file = \"\(ca ?? caFile)\"", "cert_file = \"\(cert ?? certFile)\"",
                       "key_file = \"\(key ?? keyFile)\""]
        }
        if let timeoutMs { fields.append("timeout_ms = \(timeoutMs)") }
        return "{ " + fields.joined(separator: ", ") + " }"
    }

    /// SIGKILLs member `n` and returns once it is gone.
    public func kill(_ n: Int) throws { try must(["kill", dir.url.path, "\(n)"]) }

    /// Starts member `n` again on its data and ports and returns once it answers `endpoint health`.
    public func restart(_ n: Int) throws { try must(["restart", dir.url.path, "\(n)"]) }

    /// Runs etcdctl against the members that are up, with the cluster's client certificate.
    @discardableResult
    public func ctl(_ arguments: [String]) throws -> (Int32, String) {
        try Self.script(["ctl", dir.url.path] + arguments)
    }

    public func put(_ key: String, _ value: String) throws {
        let (status, out) = try ctl(["put", key, value])
        guard status == 0 else { throw Failure(description: "etcdctl put \(key) failed (\(status)): \(out)") }
    }

    /// The value under `key`, or nil when there is none.
    public func get(_ key: String) throws -> String? {
        let (status, out) = try ctl(["get", key, "--print-value-only"])
        guard status == 0 else { throw Failure(description: "etcdctl get \(key) failed (\(status)): \(out)") }
        let value = out.hasSuffix("\n") ? String(out.dropLast()) : out
        return value.isEmpty ? nil : value
    }

    /// The member (1-based) the live members agree is the Raft leader, or nil while they do not (an election).
    public func leader() throws -> Int? {
        let (status, out) = try ctl(["endpoint", "status", "-w", "json"])
        // Members that are down print a warning on stderr and are missing from the list; the rest still count.
        guard let start = out.firstIndex(of: "["), let end = out.lastIndex(of: "]") else {
            if status == 0 { throw Failure(description: "etcdctl endpoint status printed no JSON: \(out)") }
            return nil
        }
        struct Entry: Decodable {
            struct Status: Decodable {
                struct Header: Decodable { let member_id: UInt64 }
                let header: Header
                let leader: UInt64
            }
            let Endpoint: String
            let Status: Status
        }
        let entries = try JSONDecoder().decode([Entry].self, from: Data(out[start...end].utf8))
        let leaders = Set(entries.map(\.Status.leader))
        guard leaders.count == 1, let id = leaders.first, id != 0,
              let entry = entries.first(where: { $0.Status.header.member_id == id }),
              let index = endpoints.firstIndex(of: entry.Endpoint) else { return nil }
        return index + 1
    }

    /// A CA this cluster does not trust and a client certificate signed by it: (ca, cert, key) paths.
    public func untrusted() throws -> (ca: String, cert: String, key: String) {
        try must(["untrusted", dir.url.path])
        return (dir.path("untrusted-ca.pem"), dir.path("untrusted.pem"), dir.path("untrusted-key.pem"))
    }

    /// The last lines of member `n`'s log, for a failure message.
    public func log(_ n: Int, lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: dir.path("member-\(n).log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Ends every member and removes the directory; safe to call twice.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = try? Self.script(["stop", dir.url.path])
        dir.remove()
    }

    private func must(_ arguments: [String]) throws {
        let (status, out) = try Self.script(arguments)
        guard status == 0 else {
            throw Failure(description: "scripts/etcd-cluster.sh \(arguments.joined(separator: " ")) failed (\(status)): \(out)")
        }
    }

    private static func script(_ arguments: [String]) throws -> (Int32, String) {
        let env = ProcessInfo.processInfo.environment
        return try run("/bin/bash", [script] + arguments,
                       environment: ["ETCD_START_TIMEOUT": env["ETCD_START_TIMEOUT"] ?? "120"])
    }
}
