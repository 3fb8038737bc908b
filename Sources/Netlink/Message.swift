/// One received netlink message: header fields plus everything after the 16-byte header.
public struct NetlinkMessage: Hashable, Sendable {
    public let type: UInt16
    public let flags: NetlinkFlags
    public let sequence: UInt32
    public let portID: UInt32
    public let payload: [UInt8]

    public init(type: UInt16, flags: NetlinkFlags, sequence: UInt32 = 0, portID: UInt32 = 0, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
        self.payload = payload
    }

    /// Parses exactly one message (the whole array).
    public init(_ bytes: [UInt8]) throws {
        let all = try NetlinkMessage.split(bytes)
        guard all.count == 1 else { throw NetlinkError.malformed("expected one message, found \(all.count)") }
        self = all[0]
    }

    /// The message's wire bytes.
    public var bytes: [UInt8] {
        var b = NetlinkMessageBuilder(type: type, flags: flags, sequence: sequence, portID: portID)
        b.putExtraHeader(payload)
        return b.bytes
    }

    /// Splits a datagram into messages; lengths are checked before anything is read.
    public static func split(_ datagram: [UInt8]) throws -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        var i = 0
        let d = datagram[...]
        while datagram.count - i >= NL.headerLength {
            let len = Int(readHost(UInt32.self, d, at: i))
            guard len >= NL.headerLength, len <= datagram.count - i else {
                throw NetlinkError.malformed("message claims \(len) bytes, \(datagram.count - i) available")
            }
            out.append(NetlinkMessage(
                type: readHost(UInt16.self, d, at: i + 4),
                flags: NetlinkFlags(rawValue: readHost(UInt16.self, d, at: i + 6)),
                sequence: readHost(UInt32.self, d, at: i + 8),
                portID: readHost(UInt32.self, d, at: i + 12),
                payload: Array(d[(i + NL.headerLength)..<(i + len)])))
            i += align4(len)
        }
        guard i >= datagram.count else {
            throw NetlinkError.malformed("\(datagram.count - i) trailing bytes after the last message")
        }
        return out
    }

    /// Attributes after a family header of `headerLength` bytes (4 genl, 16 ifinfomsg, 8 ifaddrmsg, 12 rtmsg).
    public func attributes(after headerLength: Int) throws -> [NetlinkAttribute] {
        guard payload.count >= headerLength else {
            throw NetlinkError.malformed("message type \(type) has \(payload.count) payload bytes, "
                + "shorter than its \(headerLength)-byte header")
        }
        return try NetlinkAttribute.parse(payload[headerLength...])
    }
}

/// What an NLMSG_ERROR or NLMSG_DONE says: the (positive) errno, 0 for success, and any ext-ack text.
struct NetlinkStatus: Equatable {
    var errno: Int32
    var message: String?

    /// `struct nlmsgerr { int error; struct nlmsghdr msg; }`, then the echoed request payload unless
    /// NLM_F_CAPPED, then ext-ack TLVs if NLM_F_ACK_TLVS.
    static func parseError(_ m: NetlinkMessage) throws -> NetlinkStatus {
        guard m.payload.count >= 4 + NL.headerLength else {
            throw NetlinkError.malformed("NLMSG_ERROR with \(m.payload.count) payload bytes (need 20)")
        }
        let p = m.payload[...]
        let error = readHost(Int32.self, p, at: 0)
        var tlvStart = 4 + NL.headerLength
        if !m.flags.contains(.capped) {
            let echoed = Int(readHost(UInt32.self, p, at: 4))
            tlvStart = 4 + align4(max(echoed, NL.headerLength))
        }
        var text: String?
        if m.flags.contains(.ackTLVs), tlvStart <= m.payload.count {
            text = try NetlinkAttribute.parse(p[tlvStart...]).first(NL.errAttrMsg)?.string()
        }
        return NetlinkStatus(errno: try errnoValue(error, "NLMSG_ERROR"), message: text)
    }

    /// The kernel sends a negated errno (at most 4095, the kernel's MAX_ERRNO); anything larger is garbage, and
    /// negating Int32.min would trap.
    static func errnoValue(_ error: Int32, _ what: String) throws -> Int32 {
        guard error > -4096 && error < 4096 else {
            throw NetlinkError.malformed("\(what) carries error code \(error), not an errno")
        }
        return error < 0 ? -error : error
    }

    /// NLMSG_DONE of a dump may carry an `int` error (WireGuard's GET does), then ext-ack TLVs.
    static func parseDone(_ m: NetlinkMessage) throws -> NetlinkStatus {
        guard m.payload.count >= 4 else { return NetlinkStatus(errno: 0, message: nil) }
        let p = m.payload[...]
        let error = readHost(Int32.self, p, at: 0)
        var text: String?
        if m.flags.contains(.ackTLVs) {
            text = try NetlinkAttribute.parse(p[4...]).first(NL.errAttrMsg)?.string()
        }
        return NetlinkStatus(errno: try errnoValue(error, "NLMSG_DONE"), message: text)
    }
}
