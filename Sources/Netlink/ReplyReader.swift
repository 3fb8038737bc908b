/// Collects the replies to one request, datagram by datagram, until the kernel's ACK or NLMSG_DONE.
///
/// Pure: the socket shell feeds it what `recvfrom` returned, tests feed it canned bytes.
public struct NetlinkReplyReader: Sendable {
    public let sequence: UInt32
    public let portID: UInt32
    /// Data messages (type >= NLMSG_MIN_TYPE) received so far, in order.
    public private(set) var messages: [NetlinkMessage] = []
    public private(set) var isFinished = false
    private var interrupted = false

    public init(sequence: UInt32, portID: UInt32 = 0) {
        self.sequence = sequence
        self.portID = portID
    }

    /// Consumes one datagram; returns true once the exchange is complete.
    /// Throws the kernel's error (NLMSG_ERROR, or DONE carrying one) and `.dumpInterrupted` after a
    /// dump flagged NLM_F_DUMP_INTR has been read to its end.
    public mutating func append(_ datagram: [UInt8]) throws -> Bool {
        for m in try NetlinkMessage.split(datagram) {
            guard !isFinished else { break }
            // Like libmnl's seq_ok/portid_ok: 0 on either side means "don't check".
            if m.sequence != 0, sequence != 0, m.sequence != sequence { continue }
            if m.portID != 0, portID != 0, m.portID != portID { continue }
            if m.flags.contains(.dumpInterrupted) { interrupted = true }
            switch m.type {
            case NL.noop, NL.overrun:
                continue
            case NL.error:
                isFinished = true
                let status = try NetlinkStatus.parseError(m)
                if status.errno != 0 { throw NetlinkError.kernel(errno: status.errno, extAck: status.message) }
            case NL.done:
                isFinished = true
                let status = try NetlinkStatus.parseDone(m)
                if status.errno != 0 { throw NetlinkError.kernel(errno: status.errno, extAck: status.message) }
            default:
                guard m.type >= NL.minType else { continue }
                messages.append(m)
            }
        }
        if isFinished && interrupted { throw NetlinkError.dumpInterrupted() }
        return isFinished
    }
}
