/// Every failure in the WireGuard module. Equality compares `code` only.
public struct WireGuardError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidKey, keyFile, insecureKeyFile, config, invalidInterfaceName
        case uapi, userspaceStart, kernelUnavailable, noSuchInterface, unsupported, handshakeTimeout, system
    }
    public let code: Code
    public let reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (a: WireGuardError, b: WireGuardError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func invalidKey(_ what: String, _ detail: String) -> WireGuardError {
        WireGuardError(code: .invalidKey, reason: "\(what) is not a WireGuard key: \(detail)")
    }
    @inline(never)
    static func keyFile(_ path: String, _ detail: String) -> WireGuardError {
        WireGuardError(code: .keyFile, reason: "\(path): \(detail)")
    }
    @inline(never)
    static func insecureKeyFile(_ path: String, mode: UInt32) -> WireGuardError {
        let octal = String(mode & 0o777, radix: 8)
        return WireGuardError(code: .insecureKeyFile, reason: "\(path) holds a private key but has mode \(octal), "
            + "accessible to group or others; run `chmod 600 \(path)` and check who may have read or changed it")
    }
    @inline(never)
    static func config(_ file: String, line: Int, _ text: String, _ detail: String) -> WireGuardError {
        WireGuardError(code: .config, reason: "\(file):\(line): \(detail): `\(text)'")
    }
    @inline(never)
    static func config(_ file: String, _ detail: String) -> WireGuardError {
        WireGuardError(code: .config, reason: "\(file): \(detail)")
    }
    @inline(never)
    static func invalidInterfaceName(_ name: String) -> WireGuardError {
        WireGuardError(code: .invalidInterfaceName, reason: "interface name `\(name.prefix(40))' is not valid: "
            + "use 1 to 15 characters from a-z A-Z 0-9 _ = + . - (the config file is named <interface>.conf)")
    }
    @inline(never)
    static func uapi(_ interface: String, _ detail: String) -> WireGuardError {
        WireGuardError(code: .uapi, reason: "userspace WireGuard \(interface): \(detail)")
    }
    @inline(never)
    static func system(_ what: String, errno e: Int32) -> WireGuardError {
        WireGuardError(code: .system, reason: "\(what): \(String(cString: strerror(e)))")
    }
}

#if canImport(Glibc)
import Glibc
#endif
