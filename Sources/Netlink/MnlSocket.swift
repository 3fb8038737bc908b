import CMnl
import Glibc

/// A bound netlink socket (libmnl), closed on deinit. One request at a time.
public final class MnlSocket: NetlinkTransport {
    public enum Bus: Sendable {
        case route, generic
        var protocolNumber: Int32 { self == .route ? NETLINK_ROUTE : NETLINK_GENERIC }
    }

    private let socket: OpaquePointer
    public let portID: UInt32
    private var sequence: UInt32
    private var receiveBuffer: [UInt8]
    /// Dumps arrive in datagrams of up to ~32 KiB; a larger buffer avoids MSG_TRUNC (ENOSPC).
    static let receiveBufferSize = 64 * 1024

    public init(_ bus: Bus, receiveTimeoutSeconds: Int = 10) throws {
        guard let s = mnl_socket_open(bus.protocolNumber) else {
            throw NetlinkError.socket("open", errno: Glibc.errno)
        }
        guard mnl_socket_bind(s, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let e = Glibc.errno
            mnl_socket_close(s)
            throw NetlinkError.socket("bind", errno: e)
        }
        socket = s
        portID = mnl_socket_get_portid(s)
        sequence = UInt32(truncatingIfNeeded: time(nil))
        receiveBuffer = [UInt8](repeating: 0, count: MnlSocket.receiveBufferSize)
        // Ext-ack gives the kernel's reason ("Unknown device type"); strict checking makes filters honest.
        // Both are best-effort: old kernels refuse them and still work.
        var one: Int32 = 1
        _ = mnl_socket_setsockopt(s, NL.extAck, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = mnl_socket_setsockopt(s, NL.getStrictCheck, &one, socklen_t(MemoryLayout<Int32>.size))
        // A kernel always answers a request with ACK set; the timeout only guards against a wedged socket.
        var tv = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { mnl_socket_close(socket) }

    public func exchange(_ request: [UInt8]) throws -> [NetlinkMessage] {
        guard request.count >= NL.headerLength else { throw NetlinkError.tooLarge("request shorter than a header") }
        sequence &+= 1
        if sequence == 0 { sequence = 1 }  // 0 would disable the reply check
        var stamped = request
        stamped.replaceSubrange(8..<12, with: hostBytes(sequence))
        try send(stamped)
        var reader = NetlinkReplyReader(sequence: sequence, portID: portID)
        while true {
            let datagram = try receive()
            if try reader.append(datagram) { return reader.messages }
        }
    }

    private func send(_ bytes: [UInt8]) throws {
        while true {
            let n = bytes.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
            if n >= 0 { return }
            let e = Glibc.errno
            if e == EINTR { continue }
            throw NetlinkError.socket("sendto", errno: e)
        }
    }

    private func receive() throws -> [UInt8] {
        while true {
            let n = receiveBuffer.withUnsafeMutableBytes {
                mnl_socket_recvfrom(socket, $0.baseAddress, $0.count)
            }
            if n >= 0 { return Array(receiveBuffer[0..<n]) }
            let e = Glibc.errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK {
                throw NetlinkError(.socket, "netlink socket recvfrom: no reply from the kernel within the timeout",
                                   errno: e)
            }
            if e == ENOSPC {  // libmnl's report of MSG_TRUNC
                throw NetlinkError(.messageTooLarge, "netlink reply larger than the \(receiveBuffer.count)-byte "
                    + "receive buffer (truncated)")
            }
            throw NetlinkError.socket("recvfrom", errno: e)
        }
    }
}
