import TOML

/// A problem in `tmkms.toml`. The description is `<file>:<line>: <what is wrong>; <how to fix it>`.
/// Equality compares `code` only.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable, syntax, unknownField, missingField, wrongType, invalidValue
        /// A `chain_id` that no `[[chain]]` defines.
        case unknownChain
        /// A `[[chain]]` without a consensus key, or with two.
        case missingKey, duplicateKey
        /// A tcp `[[validator]]` without `secret_key`.
        case missingSecretKey
        /// A key or identity file named in the config is missing, or readable by group/others.
        case missingFile, insecureFile
        /// `[[providers.yubihsm]]`, `ledgertm` or `fortanixdsm`.
        case unsupportedProvider
        case duplicateChain
    }
    public let code: Code
    public let file: String
    public let line: Int
    public let reason: String

    /// Line 0 means the file as a whole (missing, unreadable, empty).
    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
    public static func == (a: ConfigError, b: ConfigError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    init(_ code: Code, _ file: String, _ line: Int, _ reason: String) {
        self.code = code
        self.file = file
        self.line = line
        // Values are quoted as the file holds them: a `\n` inside a string stays `\n`, and the error one line.
        self.reason = TOML.escapingControlCharacters(reason)
    }
}
