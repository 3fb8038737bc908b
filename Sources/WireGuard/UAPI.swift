import SigilCrypto
import Sockets

/// The wireguard-go configuration protocol (`set=1` / `get=1` text over a Unix socket), as pure
/// encoders and decoders. Keys are lowercase hex on this socket.
enum UAPI {
    static let getRequest = Array("get=1\n\n".utf8)

    /// The `set=1` request for `config`; the caller wipes it after sending (it may hold keys).
    static func setRequest(_ config: DeviceConfig) -> [UInt8] {
        var lines = ["set=1"]
        if let k = config.privateKey { lines.append("private_key=\(k.hex)") }
        if let p = config.listenPort { lines.append("listen_port=\(p)") }
        if let f = config.fwmark { lines.append("fwmark=\(f)") }
        if config.replacePeers { lines.append("replace_peers=true") }
        for p in config.peers {
            lines.append("public_key=\(p.publicKey.hex)")
            if p.remove {
                lines.append("remove=true")
                continue
            }
            if p.updateOnly { lines.append("update_only=true") }
            if let k = p.presharedKey { lines.append("preshared_key=\(k.hex)") }
            if let e = p.endpoint { lines.append("endpoint=\(e)") }
            if let k = p.persistentKeepalive { lines.append("persistent_keepalive_interval=\(k)") }
            if p.replaceAllowedIPs { lines.append("replace_allowed_ips=true") }
            for ip in p.allowedIPs { lines.append("allowed_ip=\(ip)") }
        }
        var out = [UInt8]()
        for l in lines { out += Array(l.utf8); out.append(10) }
        out.append(10)
        return out
    }

    /// True once `buffer` holds a whole response (it ends with an empty line).
    static func isComplete(_ buffer: [UInt8]) -> Bool {
        buffer.count >= 2 && buffer[buffer.count - 1] == 10 && buffer[buffer.count - 2] == 10
    }

    /// The `errno=N` trailer of a response; nil when missing.
    static func errno(of response: [UInt8]) -> Int32? {
        let text = String(decoding: response, as: UTF8.self)
        for line in text.split(separator: "\n").reversed() where line.hasPrefix("errno=") {
            return Int32(line.dropFirst(6))
        }
        return nil
    }

    /// Decodes a `get=1` response into a `Device`. Unknown keys are skipped (newer wireguard-go).
    static func parseGet(_ response: [UInt8], name: String) throws -> Device {
        var device = Device(name: name)
        var peer: Peer?
        var sawErrno = false
        // The reply carries the private and preshared keys: a malformed line is shown with key-shaped runs hidden.
        func fail(_ why: String) -> WireGuardError {
            WireGuardError.uapi(name, "bad get response: \(Redaction.scrub(why))")
        }
        for raw in response.split(separator: 10) {
            let line = String(decoding: raw, as: UTF8.self)
            guard let eq = line.firstIndex(of: "=") else { throw fail("line without `=' (\(line.count) chars)") }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            switch key {
            case "private_key":
                let k = try WireGuardKey(hex: value, what: "private_key")
                if !k.isZero {
                    device.privateKey = k
                    device.publicKey = k.publicKey()
                }
            case "listen_port":
                guard let p = UInt16(value) else { throw fail("listen_port=\(value)") }
                device.listenPort = p
            case "fwmark":
                guard let f = UInt32(value) else { throw fail("fwmark=\(value)") }
                device.fwmark = f
            case "public_key":
                if let p = peer { device.peers.append(p) }
                peer = Peer(publicKey: try WireGuardKey(hex: value, what: "public_key"))
            case "errno":
                guard let e = Int32(value) else { throw fail("errno=\(value)") }
                guard e == 0 else { throw WireGuardError.uapi(name, "get failed with errno=\(e)") }
                sawErrno = true
            default:
                guard peer != nil else { continue }
                try parsePeerKey(key, value, into: &peer!, fail: fail)
            }
        }
        if let p = peer { device.peers.append(p) }
        guard sawErrno else { throw fail("no errno= trailer") }
        return device
    }

    private static func parsePeerKey(_ key: String, _ value: String, into peer: inout Peer,
                                     fail: (String) -> WireGuardError) throws {
        switch key {
        case "preshared_key":
            let k = try WireGuardKey(hex: value, what: "preshared_key")
            peer.presharedKey = k.isZero ? nil : k
        case "endpoint":
            guard let hp = HostPort(value), let ip = IPAddress(hp.host) else { throw fail("endpoint=\(value)") }
            peer.endpoint = Endpoint(address: ip, port: hp.port)
        case "last_handshake_time_sec":
            guard let v = Int64(value) else { throw fail("\(key)=\(value)") }
            peer.lastHandshakeSeconds = v
        case "last_handshake_time_nsec":
            guard let v = Int64(value) else { throw fail("\(key)=\(value)") }
            peer.lastHandshakeNanoseconds = v
        case "tx_bytes":
            guard let v = UInt64(value) else { throw fail("\(key)=\(value)") }
            peer.txBytes = v
        case "rx_bytes":
            guard let v = UInt64(value) else { throw fail("\(key)=\(value)") }
            peer.rxBytes = v
        case "persistent_keepalive_interval":
            guard let v = UInt16(value) else { throw fail("\(key)=\(value)") }
            peer.persistentKeepalive = v
        case "allowed_ip":
            guard let c = CIDR(value) else { throw fail("allowed_ip=\(value)") }
            peer.allowedIPs.append(c)
        case "protocol_version":
            guard let v = UInt32(value) else { throw fail("\(key)=\(value)") }
            peer.protocolVersion = v
        default:
            break
        }
    }
}
