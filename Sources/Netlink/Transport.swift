import Foundation

/// Sends one request and returns the data messages of the reply (everything up to the ACK or DONE).
/// The transport stamps its own sequence number; builders leave it 0.
public protocol NetlinkTransport {
    func exchange(_ request: [UInt8]) throws -> [NetlinkMessage]
}

extension NetlinkTransport {
    /// A dump, repeated from scratch when the kernel flags it NLM_F_DUMP_INTR.
    public func dump(_ request: [UInt8], attempts: Int = 5) throws -> [NetlinkMessage] {
        var attempt = 1
        while true {
            do {
                return try exchange(request)
            } catch let e as NetlinkError where e.code == .dumpInterrupted && attempt < attempts {
                attempt += 1
            }
        }
    }
}

/// A stand-in kernel for unit tests: records every request and answers with canned datagrams.
/// Each element of `replies` answers one request and is a list of datagrams; replies run through the
/// same `NetlinkReplyReader` as the real socket, so ACK/DONE/error handling is exercised too.
public final class RecordingTransport: NetlinkTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [[[UInt8]]]
    private var recorded: [[UInt8]] = []

    public init(replies: [[[UInt8]]]) { pending = replies }

    public var requests: [[UInt8]] { lock.withLock { recorded } }

    public func exchange(_ request: [UInt8]) throws -> [NetlinkMessage] {
        let datagrams: [[UInt8]] = try lock.withLock {
            recorded.append(request)
            guard !pending.isEmpty else {
                throw NetlinkError(.socket, "RecordingTransport: no canned reply for request #\(recorded.count)")
            }
            return pending.removeFirst()
        }
        let seq = request.count >= 12 ? readHost(UInt32.self, request[...], at: 8) : 0
        var reader = NetlinkReplyReader(sequence: seq)
        for d in datagrams {
            if try reader.append(d) { return reader.messages }
        }
        throw NetlinkError(.socket, "RecordingTransport: canned reply ended without ACK or DONE")
    }

    // Canned-reply helpers, so tests spell out only what matters.

    /// An NLMSG_ERROR with `error` (0 = ACK, else -errno) echoing `request`'s header, plus an ext-ack text.
    public static func ack(error: Int32 = 0, for request: [UInt8] = [], extAck: String? = nil) -> [UInt8] {
        var header = Array(request.prefix(NL.headerLength))
        header += [UInt8](repeating: 0, count: NL.headerLength - header.count)
        var flags: NetlinkFlags = .capped
        if extAck != nil { flags.insert(.ackTLVs) }
        var b = NetlinkMessageBuilder(type: NL.error, flags: flags, capacity: .max)
        b.putExtraHeader(hostBytes(error) + header)
        if let extAck { b.putStringZ(NL.errAttrMsg, extAck) }
        return b.bytes
    }

    /// NLMSG_DONE carrying an `int` error (0 = success).
    public static func done(error: Int32 = 0) -> [UInt8] {
        var b = NetlinkMessageBuilder(type: NL.done, flags: .multi, capacity: .max)
        b.putExtraHeader(hostBytes(error))
        return b.bytes
    }
}
