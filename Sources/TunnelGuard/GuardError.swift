/// A refusal of the tunnel guard: what it found and what to change. Equality compares `code` only.
public struct GuardError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notPrivate, noSuchInterface, notWireGuard, interfaceDown, wrongRoute, noSourceAddress
        case noPeer, staleHandshake, laddrEmpty, laddrNotTCP, laddrInvalid, laddrUnspecified, laddrNotLocal
        case laddrNotWireGuard, unreadable
    }
    public let code: Code
    public let reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (a: GuardError, b: GuardError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func refuse(_ code: Code, _ found: String, fix: String) -> GuardError {
        GuardError(code: code, reason: "tunnel guard: \(found); \(fix)")
    }
}
