import Foundation
import TOML

/// A `[[chain]]`: a network Sigil signs for.
public struct ChainConfig: Hashable, Sendable {
    /// How public keys are shown for this chain (tmkms `key_format`).
    public enum KeyFormat: Hashable, Sendable {
        case bech32(accountKeyPrefix: String, consensusKeyPrefix: String)
        /// Upper-case hex.
        case hex
        /// `{"@type":"/cosmos.crypto.ed25519.PubKey","key":"<base64>"}`.
        case cosmosJSON
    }

    public var id: String
    public var keyFormat: KeyFormat
    /// As written, or tmkms's default `./<id>_priv_validator_state.json`; relative paths are relative to the
    /// working directory, as in tmkms.
    public var stateFile: String
    /// `sign_extensions` as written (false when absent); `PrivvalSettings` decides what is signed.
    public var signExtensions: Bool
    /// Line of the `[[chain]]` header.
    public var line: Int
    /// Line of `sign_extensions`, nil when the key is absent.
    public var signExtensionsLine: Int? = nil
    /// `sign_bytes`: answer CometBFT v1 `SignBytesRequest` (arbitrary bytes signed with the consensus key).
    public var signBytes: Bool = false
    /// `state_backend`: the shared etcd record; nil keeps the state in `state_file` only.
    public var stateBackend: EtcdBackendConfig? = nil
}

/// A `[[providers.softsign]]` key file.
public struct SoftsignProvider: Hashable, Sendable {
    public enum KeyType: String, Hashable, Sendable { case consensus, account }
    /// `base64`: tmkms's key file (base64 of the 32-byte seed). `json`: CometBFT's `priv_validator_key.json`.
    public enum KeyFormat: String, Hashable, Sendable { case base64, json }

    public var chainIDs: [String]
    public var keyType: KeyType
    public var path: String
    public var keyFormat: KeyFormat
    public var line: Int
}

/// A `[[validator]]`: one node connection.
public struct ValidatorConfig: Hashable, Sendable {
    /// CometBFT privval protocol. v0.34–v0.38 speak one wire (`tendermint.privval`); tmkms v0.15 accepts only
    /// v0.34 and v0.38, Sigil also accepts v0.37 (KIRA's sekaid runs CometBFT v0.37). v1 (`"v1"` or `"v1.0"`)
    /// is `cometbft.privval.v1`.
    public enum ProtocolVersion: String, Hashable, Sendable {
        case v0_34 = "v0.34"
        case v0_37 = "v0.37"
        case v0_38 = "v0.38"
        case v1 = "v1"
    }

    public var addr: ValidatorAddress
    public var chainID: String
    /// Path of the Secret Connection identity key (required for tcp).
    public var secretKey: String?
    /// Defaults to v0.38, as in tmkms; `protocolVersionLine` tells an absent key from a written one.
    public var protocolVersion: ProtocolVersion
    public var reconnect: Bool
    /// Socket read/write timeout in seconds; nil means the default (10 s, as in tmkms).
    public var timeout: Double?
    /// Refuse to sign above this height.
    public var maxHeight: Int64?
    /// Sigil's tunnel guard: only dial when the route to the node goes through this interface (e.g. `wg0`).
    public var tunnel: String?
    public var line: Int
    /// Line of `protocol_version`, nil when the key is absent (Sigil then answers legacy and v1 nodes alike).
    public var protocolVersionLine: Int? = nil
}

/// A parsed, cross-checked `tmkms.toml`.
public struct SignerConfig: Hashable, Sendable {
    public var chains: [ChainConfig]
    public var softsign: [SoftsignProvider]
    public var validators: [ValidatorConfig]
    /// Accepted but ignored settings and other things to log at startup, each as `<file>:<line>: <text>`.
    public var warnings: [String]
    /// `[metrics]`, nil when absent (no listener).
    public var metrics: MetricsConfig?
    /// `[logging] format`, nil when absent.
    public var logFormat: LogFormat?

    /// Limits far above any real config, so a wrong file (a log, a binary) is refused rather than parsed.
    public static let maxLineLength = 4096
    public static let maxSize = 1 << 20

    /// Reads, parses and checks `path`, including that every key file it names exists and is private.
    public static func load(path: String) throws(ConfigError) -> SignerConfig {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(.unreadable, path, 0, "config file not found; create one with `sigil init <dir>` or pass "
                + "-c <path>")
        }
        if isDirectory.boolValue {
            throw ConfigError(.unreadable, path, 0, "is a directory, not a config file; pass the file inside it, e.g. "
                + "-c \(path.hasSuffix("/") ? path : path + "/")tmkms.toml")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(.unreadable, path, 0, "cannot read the config file; check its permissions (ls -l \(path))")
        }
        guard data.count <= maxSize else {
            throw ConfigError(.unreadable, path, 0, "is \(data.count) bytes, over the \(maxSize)-byte limit for a "
                + "config; is this the right file?")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(.unreadable, path, 0, "is not UTF-8 text, so not a tmkms.toml; is this the right file?")
        }
        let config = try parse(text, file: path)
        try config.checkFiles(file: path)
        return config
    }

    /// Parses and cross-checks `text` without touching the file system; `file` labels error messages.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> SignerConfig {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.utf8.count > maxLineLength {
            throw ConfigError(.syntax, file, i + 1, "this line is \(line.utf8.count) bytes long, over the "
                + "\(maxLineLength)-byte limit; a tmkms.toml line is far shorter, fix or remove it")
        }
        let root: TOMLTable
        do {
            root = try TOML.parse(text, file: file)
        } catch let error as TOMLError {
            throw ConfigError(.syntax, file, error.line, error.reason)
        } catch {
            throw ConfigError(.syntax, file, 0, "\(error)")
        }
        var parser = ConfigParser(file: file)
        return try parser.parse(root)
    }
}
