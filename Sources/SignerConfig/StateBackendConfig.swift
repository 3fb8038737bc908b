import Glibc
import TOML

/// `state_backend = { type = "etcd", ... }` on a `[[chain]]`: the chain's double-sign record lives in etcd,
/// shared by every signer that holds the key.
public struct EtcdBackendConfig: Hashable, Sendable {
    /// `https://host:port` (or `http://` when no TLS file is given), in the order written.
    public var endpoints: [Endpoint]
    /// Key prefix; the record is `<prefix>/<chain_id>/last_sign_state`.
    public var prefix: String
    /// CA, client certificate and key (PEM); all three or none.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// Deadline of one attempt on one endpoint, in milliseconds.
    public var timeoutMs: Int
    /// Line of `state_backend` in the config (or 1 for `sigil bench --state-backend`).
    public var line: Int

    public static let defaultPrefix = "/sigil"
    public static let defaultTimeoutMs = 300

    public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
        public var tls: Bool
        public var host: String
        public var port: Int
        public var description: String { "\(tls ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    }

    public var usesTLS: Bool { caFile != nil }

    /// Parses `text`, an inline table as written after `state_backend =` (`sigil bench --state-backend`);
    /// `label` names it in errors.
    public static func parse(inline text: String, label: String) throws(ConfigError) -> EtcdBackendConfig {
        let root: TOMLTable
        do { root = try TOML.parse("state_backend = \(text)", file: label) } catch let error as TOMLError {
            throw ConfigError(.syntax, label, 0, "not a TOML inline table: \(error.reason); write e.g. "
                + "'{ type = \"etcd\", endpoints = [\"https://127.0.0.1:2379\"], ca_file = ..., cert_file = ..., "
                + "key_file = ... }'")
        } catch {
            throw ConfigError(.syntax, label, 0, "\(error)")
        }
        let parser = ConfigParser(file: label)
        let r = try TableReader(root, file: label, name: label, allowed: ["state_backend"])
        guard let t = try r.table("state_backend") else {
            throw ConfigError(.wrongType, label, 0, "must be an inline table { type = \"etcd\", ... }")
        }
        return try parser.stateBackend(t, name: label)
    }
}

extension ConfigParser {
    static let stateBackendKeys = ["type", "endpoints", "prefix", "ca_file", "cert_file", "key_file", "timeout_ms"]

    /// `state_backend` of the chain called `name` in messages.
    func stateBackend(_ t: TOMLTable, name: String) throws(ConfigError) -> EtcdBackendConfig {
        let r = try TableReader(t, file: file, name: "state_backend of \(name)", allowed: Self.stateBackendKeys)
        let type = try r.requiredString("type", example: "\"etcd\"")
        guard type == "etcd" else {
            throw ConfigError(.invalidValue, file, r.line("type"),
                "state_backend type \"\(type)\" of \(name) is not supported; the only one is \"etcd\" (remove "
                    + "state_backend to keep the state in state_file only)")
        }
        let tlsFiles = ["ca_file", "cert_file", "key_file"]
        var files: [String: String] = [:]
        for key in tlsFiles {
            guard let path = try r.string(key) else { continue }
            guard !path.isEmpty else {
                throw ConfigError(.invalidValue, file, r.line(key), "`\(key)` in state_backend of \(name) is empty; "
                    + "set the PEM file's path")
            }
            files[key] = path
        }
        if !files.isEmpty, files.count < 3 {
            let missing = tlsFiles.filter { files[$0] == nil }.joined(separator: ", ")
            throw ConfigError(.missingField, file, r.line(files.keys.sorted()[0]),
                "state_backend of \(name) has \(files.keys.sorted().joined(separator: ", ")) but not \(missing); "
                    + "etcd with TLS needs ca_file, cert_file and key_file together")
        }
        guard let written = try r.stringArray("endpoints") else {
            throw ConfigError(.missingField, file, r.line("type"), "state_backend of \(name) is missing `endpoints`; "
                + "add endpoints = [\"https://10.0.0.1:2379\", \"https://10.0.0.2:2379\", \"https://10.0.0.3:2379\"]")
        }
        guard !written.isEmpty else {
            throw ConfigError(.invalidValue, file, r.line("endpoints"), "`endpoints` in state_backend of \(name) is "
                + "empty; list every etcd member's client URL")
        }
        var endpoints: [EtcdBackendConfig.Endpoint] = []
        for url in written {
            let e = try endpoint(url, tls: !files.isEmpty, line: r.line("endpoints"), name: name)
            if endpoints.contains(e) {
                throw ConfigError(.invalidValue, file, r.line("endpoints"), "endpoint \"\(url)\" is listed twice in "
                    + "state_backend of \(name); list each etcd member once")
            }
            endpoints.append(e)
        }
        let prefix = try r.string("prefix") ?? EtcdBackendConfig.defaultPrefix
        guard prefix.hasPrefix("/"), !prefix.contains(where: { $0.isWhitespace }) else {
            throw ConfigError(.invalidValue, file, r.line("prefix"), "`prefix` = \(prefix.debugDescription) in "
                + "state_backend of \(name) must start with / and hold no spaces, e.g. prefix = \"/sigil\"")
        }
        let timeout = try r.integer("timeout_ms", in: 10...60_000) ?? Int64(EtcdBackendConfig.defaultTimeoutMs)
        return EtcdBackendConfig(
            endpoints: endpoints, prefix: prefix, caFile: files["ca_file"], certFile: files["cert_file"],
            keyFile: files["key_file"], timeoutMs: Int(timeout), line: t.line)
    }

    private func endpoint(_ url: String, tls: Bool, line: Int, name: String) throws(ConfigError)
        -> EtcdBackendConfig.Endpoint
    {
        let bad = { (why: String) in
            ConfigError(.invalidValue, self.file, line, "endpoint \(url.debugDescription) in state_backend of \(name) "
                + "\(why)")
        }
        let scheme: String
        if url.hasPrefix("https://") { scheme = "https" } else if url.hasPrefix("http://") { scheme = "http" } else {
            throw bad("is not an etcd client URL; write https://HOST:PORT (etcd's --advertise-client-urls)")
        }
        if tls && scheme == "http" {
            throw bad("is plain http but ca_file/cert_file/key_file are set; use https:// (etcd's client TLS port)")
        }
        if !tls && scheme == "https" {
            throw bad("is https but ca_file, cert_file and key_file are not set; add them (the etcd CA and Sigil's "
                + "client certificate)")
        }
        var rest = Substring(url.dropFirst(scheme.count + 3))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw bad("has no port; write https://[ADDRESS]:PORT")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw bad("has no port; write https://HOST:2379") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains(where: { $0.isWhitespace }) else {
            throw bad("has no host; write https://HOST:PORT")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw bad("has port \"\(portText)\", not a port number 1-65535")
        }
        return EtcdBackendConfig.Endpoint(tls: scheme == "https", host: String(host), port: port)
    }
}

extension SignerConfig {
    /// The CA and client certificate must be readable and the client key private (0600), like every key file.
    func checkStateBackendFiles(file: String) throws(ConfigError) {
        for chain in chains {
            guard let b = chain.stateBackend, let ca = b.caFile, let cert = b.certFile, let key = b.keyFile else {
                continue
            }
            let table = "state_backend of [[chain]] id = \"\(chain.id)\""
            for (field, path) in [("ca_file", ca), ("cert_file", cert)] where access(path, R_OK) != 0 {
                let reason = errno == ENOENT ? "not found" : String(cString: strerror(errno))
                throw ConfigError(.missingFile, file, b.line, "\(table) \(field) = \"\(path)\": \(reason); point it "
                    + "at the PEM file")
            }
            try checkKeyFile(
                key, field: "key_file", table: table, line: b.line, file: file,
                fix: "point it at Sigil's etcd client key (PEM, mode 600)")
        }
    }
}

extension EtcdBackendConfig {
    /// The inline table as it would be written in tmkms.toml.
    public var inlineTOML: String {
        var parts = [
            "type = \"etcd\"",
            "endpoints = [" + endpoints.map { TOML.quoted($0.description) }.joined(separator: ", ") + "]",
            "prefix = \(TOML.quoted(prefix))",
        ]
        for (key, value) in [("ca_file", caFile), ("cert_file", certFile), ("key_file", keyFile)] {
            if let value { parts.append("\(key) = \(TOML.quoted(value))") }
        }
        parts.append("timeout_ms = \(timeoutMs)")
        return "{ " + parts.joined(separator: ", ") + " }"
    }
}
