/// Every failure in the TOML module. The description is `<file>:<line>: <what>`, so it can be shown as is.
/// Equality compares `code` only, so tests can match on the kind.
public struct TOMLError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Malformed input: a stray character, a missing `=`, an unterminated string.
        case syntax
        /// A key, table or array of tables defined in a way TOML forbids (twice, or over another kind).
        case redefinition
        /// A value that is well-formed but out of range (integer overflow, bad escape, bad Unicode scalar).
        case invalidValue
        /// Valid TOML that this parser deliberately does not support (date-times).
        case unsupported
    }
    public let code: Code
    public let file: String
    public let line: Int
    public let reason: String

    public var description: String { "\(file):\(line): \(reason)" }
    public static func == (a: TOMLError, b: TOMLError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func syntax(_ file: String, _ line: Int, _ reason: String) -> TOMLError {
        TOMLError(code: .syntax, file: file, line: line, reason: reason)
    }
    @inline(never)
    static func redefinition(_ file: String, _ line: Int, _ reason: String) -> TOMLError {
        TOMLError(code: .redefinition, file: file, line: line, reason: reason)
    }
    @inline(never)
    static func invalidValue(_ file: String, _ line: Int, _ reason: String) -> TOMLError {
        TOMLError(code: .invalidValue, file: file, line: line, reason: reason)
    }
    @inline(never)
    static func unsupported(_ file: String, _ line: Int, _ reason: String) -> TOMLError {
        TOMLError(code: .unsupported, file: file, line: line, reason: reason)
    }
}

/// A token as an error quotes it: in backticks, unless it could be part of a key someone pasted into the file (six or
/// more base64 characters mixing cases and digits; a key name or a misspelt word never does), which is shown by its
/// length only.
func shown(_ token: String) -> String {
    let base64 = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
    let bytes = Array(token.utf8)
    let keyLike = bytes.count >= 6 && bytes.allSatisfy(base64.contains)
        && bytes.contains { (65...90).contains($0) } && bytes.contains { (97...122).contains($0) }
        && bytes.contains { (48...57).contains($0) || $0 == 43 || $0 == 47 }
    return keyLike ? "(\(bytes.count) characters, not shown)" : "`\(token)`"
}
