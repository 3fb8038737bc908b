import Testing
import Netlink

/// Inputs found by the libFuzzer harnesses (scripts/fuzz.sh), kept as the bytes that broke an invariant.
@Suite struct FuzzRegressionTests {
    /// netlink harness: an NLMSG_ERROR whose error field is Int32.min trapped on negation (a crash of any
    /// command reading the reply). It is now a malformed reply.
    @Test func errorCodeInt32MinIsMalformedNotATrap() {
        let datagram: [UInt8] = [
            0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00,
            0xE0, 0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x20, 0x00, 0x00, 0x00,
            0xC0, 0x00, 0x02, 0x01, 0x08, 0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00,
        ]
        var reader = NetlinkReplyReader(sequence: 1)
        let error = #expect(throws: NetlinkError.self) { _ = try reader.append(datagram) }
        #expect(error?.code == .malformedReply)
        #expect(error?.description.contains("error code -2147483648, not an errno") == true)
    }

    /// The same value in the error field of NLMSG_DONE (which WireGuard's dump uses).
    @Test func doneErrorCodeInt32MinIsMalformed() {
        let datagram: [UInt8] = [
            0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
        ]
        var reader = NetlinkReplyReader(sequence: 1)
        let error = #expect(throws: NetlinkError.self) { _ = try reader.append(datagram) }
        #expect(error?.code == .malformedReply)
    }
}
