/// Every failure of the privval codec. Equality compares `code` only, so tests can match on the kind.
public struct PrivvalError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case oversized, truncated, malformedVarint, wrongWireType, invalidWireType
        case invalidField, missingField
    }

    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: PrivvalError, b: PrivvalError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func oversized(_ size: Int, cap: Int) -> PrivvalError {
        PrivvalError(code: .oversized,
                     reason: "privval message of \(size) bytes exceeds the \(cap)-byte limit; refusing to read it")
    }
    @inline(never)
    static func truncated(_ what: String, need: Int, have: Int) -> PrivvalError {
        PrivvalError(code: .truncated, reason: "\(what) is truncated: needs \(need) bytes, only \(have) left")
    }
    @inline(never)
    static func malformedVarint(_ what: String) -> PrivvalError {
        PrivvalError(code: .malformedVarint, reason: "\(what): varint longer than 10 bytes or overflowing 64 bits")
    }
    @inline(never)
    static func wrongWireType(_ field: String, got: WireType, want: WireType) -> PrivvalError {
        PrivvalError(code: .wrongWireType,
                     reason: "field \(field) has wire type \(got.rawValue) (\(got)), "
                        + "expected \(want.rawValue) (\(want))")
    }
    @inline(never)
    static func invalidWireType(_ message: String, field: Int, wireType: UInt64) -> PrivvalError {
        PrivvalError(code: .invalidWireType,
                     reason: "\(message) field \(field) uses unsupported wire type \(wireType)")
    }
    @inline(never)
    static func invalidField(_ field: String, _ problem: String) -> PrivvalError {
        PrivvalError(code: .invalidField, reason: "field \(field) is invalid: \(problem)")
    }
    @inline(never)
    static func missingField(_ field: String) -> PrivvalError {
        PrivvalError(code: .missingField, reason: "required field \(field) is missing")
    }
}
