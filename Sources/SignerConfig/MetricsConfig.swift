import Sockets
import TOML

/// `[metrics]`: Sigil's own section (TMKMS has none). The listener serves `/metrics`, `/healthz`, `/readyz` and
/// `/status`; it is off unless configured, and on loopback unless `allow_non_loopback = true`.
public struct MetricsConfig: Hashable, Sendable {
    public var host: String
    public var port: UInt16
    public var allowNonLoopback: Bool
    public var line: Int
}

/// `[logging] format`: how log lines are printed (`--log-format` overrides it).
public enum LogFormat: String, Hashable, Sendable, CaseIterable {
    /// TMKMS's line shape.
    case text
    /// One JSON object per line with the same fields (timestamp, level, target, message), for Loki or ELK.
    case json
}

extension ConfigParser {
    func metrics(_ t: TOMLTable) throws(ConfigError) -> MetricsConfig {
        let r = try TableReader(t, file: file, name: "[metrics]", allowed: ["addr", "allow_non_loopback"])
        let text = try r.requiredString("addr", example: "\"127.0.0.1:9311\"")
        let host: String, port: UInt16
        do { (host, port) = try Address.parse(text) } catch {
            throw ConfigError(.invalidValue, file, r.line("addr"),
                "[metrics] addr = \"\(text)\" is not an IP address and port; write e.g. addr = \"127.0.0.1:9311\"")
        }
        guard let ip = IPAddress(host) else {
            throw ConfigError(.invalidValue, file, r.line("addr"),
                "[metrics] addr = \"\(text)\" needs an IP address, not a name; write e.g. addr = \"127.0.0.1:9311\"")
        }
        let allow = try r.bool("allow_non_loopback") ?? false
        if !ip.isLoopback && !allow {
            throw ConfigError(.invalidValue, file, r.line("addr"),
                "[metrics] addr = \"\(text)\" is not a loopback address; metrics reveal signing activity, so keep "
                    + "them on 127.0.0.1 or set allow_non_loopback = true (and firewall the port)")
        }
        return MetricsConfig(host: host, port: port, allowNonLoopback: allow, line: t.line)
    }

    func logging(_ t: TOMLTable) throws(ConfigError) -> LogFormat {
        let r = try TableReader(t, file: file, name: "[logging]", allowed: ["format"])
        return try r.choice("format", LogFormat.allCases.map { ($0.rawValue, $0) }) ?? .text
    }
}
