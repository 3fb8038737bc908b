/// A tunnel-guard refusal. Every message says what was found and what to change.
public struct GuardError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notPrivate, unspecified, routeOutsideTunnel, notWireGuard, noHandshake, noTunnelAddress, notOnWireGuard
        case badLaddr, lookupFailed
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: GuardError, b: GuardError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
