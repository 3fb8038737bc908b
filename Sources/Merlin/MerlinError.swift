/// Every failure in Merlin. Equality compares `code` only, so tests can match on the kind.
public struct MerlinError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case macMismatch
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: MerlinError, b: MerlinError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func macMismatch(count: Int) -> MerlinError {
        MerlinError(code: .macMismatch, reason: "STROBE recv_MAC: the received \(count)-byte MAC does not match")
    }
}
