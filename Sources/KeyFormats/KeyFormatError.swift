/// Every failure reading, checking or writing key material. Messages quote the path or the bad value
/// (never key bytes) and say how to fix it. Equality compares `code` only.
public struct KeyFormatError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case missingFile, unreadable, insecurePermissions, notRegularFile, alreadyExists, writeFailed
        case invalidJSON, unsupportedKeyType, invalidEncoding, invalidKeyLength, keyMismatch, addressMismatch
        case invalidBech32
    }

    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: KeyFormatError, b: KeyFormatError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func missingFile(_ path: String) -> KeyFormatError {
        KeyFormatError(code: .missingFile, reason: "key file `\(path)' does not exist")
    }
    @inline(never)
    static func unreadable(_ path: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .unreadable, reason: "cannot read `\(path)': \(what)")
    }
    @inline(never)
    static func insecurePermissions(_ path: String, mode: UInt32) -> KeyFormatError {
        KeyFormatError(code: .insecurePermissions,
                       reason: "key file `\(path)' has mode \(octal(mode)) and is accessible by group or others; "
                           + "refusing to use it. Fix: chmod 600 \(path)")
    }
    @inline(never)
    static func notRegularFile(_ path: String) -> KeyFormatError {
        KeyFormatError(code: .notRegularFile,
                       reason: "key file `\(path)' is not a regular file; give the path of the key file itself")
    }
    @inline(never)
    static func alreadyExists(_ path: String) -> KeyFormatError {
        KeyFormatError(code: .alreadyExists,
                       reason: "`\(path)' already exists; refusing to overwrite a key file (move it away first)")
    }
    @inline(never)
    static func writeFailed(_ path: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .writeFailed,
                       reason: "cannot write `\(path)': \(what); check that the directory exists and is writable")
    }
    @inline(never)
    static func invalidJSON(_ path: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .invalidJSON, reason: "`\(path)' is not a valid key file: \(what)")
    }
    @inline(never)
    static func unsupportedKeyType(_ path: String, _ type: String, hint: String) -> KeyFormatError {
        KeyFormatError(code: .unsupportedKeyType, reason: "`\(path)': key type `\(type)' is not supported; \(hint)")
    }
    @inline(never)
    static func invalidEncoding(_ path: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .invalidEncoding, reason: "`\(path)': \(what)")
    }
    @inline(never)
    static func invalidKeyLength(_ path: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .invalidKeyLength, reason: "`\(path)': \(what)")
    }
    @inline(never)
    static func keyMismatch(_ path: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .keyMismatch, reason: "`\(path)': \(what)")
    }
    @inline(never)
    static func addressMismatch(_ path: String, stated: String, derived: String) -> KeyFormatError {
        KeyFormatError(code: .addressMismatch,
                       reason: "`\(path)': address `\(stated)' does not match the public key (expected \(derived))")
    }
    @inline(never)
    static func invalidBech32(_ input: String, _ what: String) -> KeyFormatError {
        KeyFormatError(code: .invalidBech32, reason: "`\(input.prefix(100))' is not valid bech32: \(what)")
    }
}

func octal(_ mode: UInt32) -> String {
    let s = String(mode & 0o7777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
