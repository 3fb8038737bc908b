import Testing

@testable import Netlink

/// Deterministic xorshift, so a failing case can be replayed from its iteration number.
struct XorShift {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Corrupted kernel replies must produce errors, never a trap: every length is checked before it is used.
@Suite struct MutationTests {
    static func seeds() -> [[UInt8]] {
        var addr = NetlinkMessageBuilder(type: 20, flags: .multi)
        addr.putExtraHeader(RouteMessages.ifaddrmsg(family: 2, prefixLength: 24, index: 3))
        addr.put(2, [10, 0, 0, 1])
        var route = NetlinkMessageBuilder(type: 24, flags: [])
        route.putExtraHeader(RouteMessages.rtmsg(family: 10, dstLength: 128, table: 254))
        route.putU32(4, 2)
        route.put(7, [UInt8](repeating: 0xfd, count: 16))
        return [
            ReplyParsingTests.linkMessage(index: 4, name: "wg0", kind: "wireguard"),
            addr.bytes, route.bytes,
            RecordingTransport.ack(error: -95, for: [UInt8](repeating: 0x3c, count: 16), extAck: "Unknown device type"),
            RecordingTransport.done(error: -4),
        ]
    }

    @Test func mutatedRepliesNeverTrap() {
        var rng = XorShift(state: 0x5eed_1234_abcd_0001)
        var errors = 0
        for round in 0..<4000 {
            var bytes = Self.seeds()[round % 5]
            switch rng.below(3) {
            case 0: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes = Array(bytes.prefix(rng.below(bytes.count)))
            default:
                for _ in 0..<4 { bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            do {
                var reader = NetlinkReplyReader(sequence: 0)
                _ = try reader.append(bytes)
                for m in reader.messages {
                    _ = try? RouteMessages.parseLink(m)
                    _ = try? RouteMessages.parseAddress(m)
                    _ = try? RouteMessages.parseRoute(m)
                    _ = try? GenericMessages.parseFamilyID(m)
                }
            } catch {
                errors += 1
            }
        }
        #expect(errors > 0)  // the corpus really does hit the error paths
    }
}
