import Netlink
import WireGuard

// Netlink replies: the input is one datagram from the kernel. Splitting, attribute walking and every reply
// parser (links, addresses, routes, generic netlink family, the WireGuard device dump) either succeed or throw
// NetlinkError; messages and attributes re-encode to bytes that parse to the same values.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = Fuzz.bytes(data, size)
    var reader = NetlinkReplyReader(sequence: 0)
    expectNetlinkError { _ = try reader.append(datagram) }
    Fuzz.check(reader.messages.allSatisfy { $0.type >= 16 }, "reader kept a control message")

    guard let messages = try? NetlinkMessage.split(datagram) else { return 0 }
    Fuzz.check(messages.count <= datagram.count / 16, "\(messages.count) messages from \(datagram.count) bytes")
    for m in messages {
        // Written back, the payload is padded to 4 bytes as netlink requires.
        let padded = m.payload + [UInt8](repeating: 0, count: (4 - m.payload.count % 4) % 4)
        let again = try? NetlinkMessage(m.bytes)
        Fuzz.check(again == NetlinkMessage(type: m.type, flags: m.flags, sequence: m.sequence, portID: m.portID,
                                           payload: padded), "message does not survive re-encoding: \(m)")
        for header in [4, 8, 12, 16] {
            guard let attributes = try? m.attributes(after: header) else { continue }
            checkRoundTrip(attributes)
        }
        expectNetlinkError { _ = try RouteMessages.parseLink(m) }
        expectNetlinkError { _ = try RouteMessages.parseAddress(m) }
        expectNetlinkError { _ = try RouteMessages.parseRoute(m) }
        expectNetlinkError { _ = try GenericMessages.parseFamilyID(m) }
    }
    do {
        let device = try WireGuardDeviceParser.parse(messages)
        Fuzz.check(!device.name.isEmpty, "device without a name")
    } catch is NetlinkError {
    } catch is WireGuardError {
    } catch {
        Fuzz.fail("WireGuardDeviceParser threw \(type(of: error)): \(error)")
    }
    return 0
}

private func expectNetlinkError(_ body: () throws -> Void) {
    do { try body() } catch is NetlinkError {} catch { Fuzz.fail("threw \(type(of: error)): \(error)") }
}

/// Attributes written back with the builder parse to the same list, nested ones recursively.
private func checkRoundTrip(_ attributes: [NetlinkAttribute], depth: Int = 0) {
    var b = NetlinkMessageBuilder(type: 0, flags: [], capacity: 1 << 20)
    for a in attributes { b.put(a.type | (a.isNested ? 0x8000 : 0), a.payload) }
    let again = try? NetlinkAttribute.parse(b.bytes[16...])
    Fuzz.check(again == attributes, "attributes do not survive re-encoding: \(attributes)")
    guard depth < 4 else { return }
    for a in attributes {
        if let inner = try? a.nested() { checkRoundTrip(inner, depth: depth + 1) }
    }
}
