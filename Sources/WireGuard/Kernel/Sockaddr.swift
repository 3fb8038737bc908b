import Glibc
import Netlink
import Sockets

/// WGPEER_A_ENDPOINT is a raw `struct sockaddr_in` (16 bytes) or `sockaddr_in6` (28 bytes):
/// family in host order, port in network order, then the address.
enum Sockaddr {
    static func encode(_ endpoint: Endpoint) -> [UInt8] {
        let port = [UInt8(endpoint.port >> 8), UInt8(endpoint.port & 0xFF)]
        switch endpoint.address {
        case .v4(let a):
            return hostBytes(UInt16(AF_INET)) + port + a + [UInt8](repeating: 0, count: 8)  // sin_zero
        case .v6(let a):
            // sin6_flowinfo 0, address, sin6_scope_id 0
            return hostBytes(UInt16(AF_INET6)) + port + [0, 0, 0, 0] + a + [0, 0, 0, 0]
        }
    }

    /// nil for anything that is not a well-formed sockaddr_in/sockaddr_in6 (wg(8) ignores those too).
    static func decode(_ raw: [UInt8]) -> Endpoint? {
        guard raw.count >= 4 else { return nil }
        let family = Int32(raw.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) })
        let port = UInt16(raw[2]) << 8 | UInt16(raw[3])
        switch family {
        case AF_INET where raw.count == 16:
            return Endpoint(address: .v4(Array(raw[4..<8])), port: port)
        case AF_INET6 where raw.count == 28:
            return Endpoint(address: .v6(Array(raw[8..<24])), port: port)
        default:
            return nil
        }
    }
}
