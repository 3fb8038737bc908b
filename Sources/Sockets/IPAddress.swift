import Glibc

/// An IPv4 or IPv6 address as raw network-order bytes.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
            return
        }
        return nil
    }

    public var bytes: [UInt8] {
        switch self { case .v4(let b), .v6(let b): return b }
    }

    public var family: Int32 {
        switch self { case .v4: return AF_INET; case .v6: return AF_INET6 }
    }

    public var bitWidth: Int { bytes.count * 8 }

    public var description: String {
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { _ = inet_ntop(family, $0.baseAddress, &buf, socklen_t(buf.count)) }
        return String(cString: buf)
    }

    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// RFC 1918, RFC 6598 (CGNAT) and IPv6 unique-local addresses: the ranges a tunnel may use.
    public var isPrivate: Bool {
        switch self {
        case .v4(let b):
            return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && (b[1] & 0xC0) == 64)
        case .v6(let b):
            return (b[0] & 0xFE) == 0xFC
        }
    }

    public var isLoopback: Bool {
        switch self {
        case .v4(let b): return b[0] == 127
        case .v6(let b): return b == [UInt8](repeating: 0, count: 15) + [1]
        }
    }
}

/// An address with a prefix length, as in `10.200.0.1/24` or an allowed-IP `10.200.0.2/32`.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init(address: IPAddress, prefixLength: Int) {
        precondition(prefixLength >= 0 && prefixLength <= address.bitWidth)
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n` or `v6/n`; a bare address gets the full prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let addr = IPAddress(String(parts[0])) else { return nil }
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= addr.bitWidth else { return nil }
            self.init(address: addr, prefixLength: n)
        } else {
            self.init(address: addr, prefixLength: addr.bitWidth)
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    /// The network address (host bits cleared).
    public var network: IPAddress {
        var b = address.bytes
        for i in 0..<b.count {
            let bitsHere = max(0, min(8, prefixLength - i * 8))
            b[i] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
        }
        return address.family == AF_INET ? .v4(b) : .v6(b)
    }

    public func contains(_ other: IPAddress) -> Bool {
        guard other.family == address.family else { return false }
        return CIDR(address: other, prefixLength: prefixLength).network == network
    }

    public func overlaps(_ other: CIDR) -> Bool {
        guard other.address.family == address.family else { return false }
        let n = min(prefixLength, other.prefixLength)
        return CIDR(address: address, prefixLength: n).network == CIDR(address: other.address, prefixLength: n).network
    }
}
