/// A firewall policy that cannot be rendered. The message quotes the bad input and says how to fix it.
public struct FirewallError: Error, Hashable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        case badAddress
        case publicTunnelAddress
        case badInterface
        case badPort
        case conflict
        case unsupported
    }

    public let code: Code
    public let reason: String

    public var description: String { reason }

    public static func == (lhs: FirewallError, rhs: FirewallError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never)
    static func badAddress(_ flag: String, _ text: String, _ fix: String) -> FirewallError {
        FirewallError(code: .badAddress, reason: "\(flag) '\(text)' is not usable: \(fix)")
    }

    @inline(never)
    static func publicTunnelAddress(_ flag: String, _ text: String) -> FirewallError {
        FirewallError(
            code: .publicTunnelAddress,
            reason: "\(flag) '\(text)' is a public address; tunnel addresses must be private "
                + "(10/8, 172.16/12, 192.168/16, 100.64/10 or fc00::/7), e.g. 10.200.0.1")
    }

    @inline(never)
    static func badInterface(_ name: String) -> FirewallError {
        FirewallError(
            code: .badInterface,
            reason: "--interface '\(name)' is not a valid interface name: use 1-15 characters from "
                + "A-Z a-z 0-9 _ . - (e.g. wg0), and not 'lo'")
    }

    @inline(never)
    static func badPort(_ flag: String, _ text: String) -> FirewallError {
        FirewallError(code: .badPort, reason: "\(flag) '\(text)' is not a port: use a number from 1 to 65535")
    }

    @inline(never)
    static func conflict(_ reason: String) -> FirewallError {
        FirewallError(code: .conflict, reason: reason)
    }

    @inline(never)
    static func unsupported(_ reason: String) -> FirewallError {
        FirewallError(code: .unsupported, reason: reason)
    }
}
