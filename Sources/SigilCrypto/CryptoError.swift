/// Every failure in SigilCrypto. Equality compares `code` only, so tests can match on the kind.
public struct CryptoError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidKeyLength, invalidSignatureLength, lowOrderPoint, authenticationFailure
        case invalidEncoding, invalidNonceLength
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: CryptoError, b: CryptoError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func invalidKeyLength(_ what: String, got: Int, want: Int) -> CryptoError {
        CryptoError(code: .invalidKeyLength, reason: "\(what) must be \(want) bytes, got \(got)")
    }
    @inline(never)
    static func invalidEncoding(_ what: String, _ input: String, expected: String) -> CryptoError {
        CryptoError(code: .invalidEncoding, reason: "\(what) `\(input.prefix(80))' is not valid: expected \(expected)")
    }
}
