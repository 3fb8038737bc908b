import SigilCrypto

// wireguard-go's `get=1` replies (compiled into the WireGuard module to reach UAPI). The input is one reply as
// read from the control socket: it parses into a device or fails with a WireGuardError that never quotes a
// key-like value other than a peer's public_key (the reply carries the interface's private_key and the peers'
// preshared_key), and a reply that parses carries errno=0 as its trailer.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let reply = Fuzz.bytes(data, size)
    _ = UAPI.isComplete(reply)
    do {
        let device = try UAPI.parseGet(reply, name: "wg0")
        Fuzz.check(UAPI.errno(of: reply) == 0, "a reply without errno=0 as its trailer parsed")
        Fuzz.check(device.peers.count <= lines(reply).filter { $0.hasPrefix("public_key=") }.count,
                   "more peers than public_key lines")
    } catch let error as WireGuardError {
        let publicKeys = lines(reply).filter { $0.hasPrefix("public_key=") }.map { String($0.dropFirst(11)) }
        let secret = Array(lines(reply).filter { !$0.hasPrefix("public_key=") }.joined(separator: "\n").utf8)
        let plain = Fuzz.plainTokens(String(decoding: reply, as: UTF8.self))
        Fuzz.checkQuotesNoSecret(error.description, secret: secret, public: publicKeys + plain,
                                 runs: Fuzz.keyShapedRuns)
    } catch {
        Fuzz.fail("parseGet threw a non-WireGuardError: \(error)")
    }
    return 0
}

private func lines(_ reply: [UInt8]) -> [String] {
    reply.split(separator: 10).map { String(decoding: $0, as: UTF8.self) }
}
