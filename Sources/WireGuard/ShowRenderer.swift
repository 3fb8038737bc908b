/// `wg show`'s human-readable layout, plus the backend line. Keys stay hidden, as in wg(8).
enum ShowRenderer {
    static func render(_ d: Device, backend: String, now: Int64) -> String {
        var out = ["interface: \(d.name)", "  backend: \(backend)"]
        if let pk = d.publicKey { out.append("  public key: \(pk.base64)") }
        if d.privateKey != nil { out.append("  private key: (hidden)") }
        if d.listenPort != 0 { out.append("  listening port: \(d.listenPort)") }
        if d.fwmark != 0 { out.append("  fwmark: 0x\(String(d.fwmark, radix: 16))") }
        for p in d.peers {
            out += ["", "peer: \(p.publicKey.base64)"]
            if p.presharedKey.map({ !$0.isZero }) == true { out.append("  preshared key: (hidden)") }
            if let e = p.endpoint { out.append("  endpoint: \(e)") }
            out.append("  allowed ips: " + (p.allowedIPs.isEmpty ? "(none)" : p.allowedIPs.map(\.description)
                .joined(separator: ", ")))
            if p.lastHandshakeSeconds != 0 {
                out.append("  latest handshake: \(ago(now - p.lastHandshakeSeconds))")
            }
            if p.rxBytes != 0 || p.txBytes != 0 {
                out.append("  transfer: \(bytes(p.rxBytes)) received, \(bytes(p.txBytes)) sent")
            }
            if p.persistentKeepalive != 0 {
                out.append("  persistent keepalive: every \(duration(Int64(p.persistentKeepalive)))")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func ago(_ seconds: Int64) -> String {
        seconds <= 0 ? "Now" : "\(duration(seconds)) ago"
    }

    /// "1 hour, 2 minutes, 5 seconds", as wg's `pretty_time`.
    static func duration(_ total: Int64) -> String {
        let units: [(Int64, String)] = [
            (365 * 86400, "year"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"),
        ]
        var left = total
        var parts = [String]()
        for (size, name) in units where left >= size {
            let n = left / size
            left %= size
            parts.append("\(n) \(name)\(n == 1 ? "" : "s")")
        }
        return parts.isEmpty ? "0 seconds" : parts.joined(separator: ", ")
    }

    /// "1.50 KiB", as wg's `bytes`.
    static func bytes(_ b: UInt64) -> String {
        let units: [(Double, String)] = [(0x1p40, "TiB"), (0x1p30, "GiB"), (0x1p20, "MiB"), (0x1p10, "KiB")]
        for (size, name) in units where Double(b) >= size {
            let v = Double(b) / size
            let hundredths = Int((v * 100).rounded())
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) \(name)"
        }
        return "\(b) B"
    }
}
