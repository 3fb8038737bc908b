extension TunnelConfig {
    /// The wg-quick text for this config; `parse(render())` gives the config back.
    /// The output holds the private key: write it with mode 0600.
    public func render() -> String {
        var out = ["[Interface]"]
        if let k = privateKey { out.append("PrivateKey = \(k.base64)") }
        if !addresses.isEmpty { out.append("Address = " + addresses.map(\.description).joined(separator: ", ")) }
        if let p = listenPort { out.append("ListenPort = \(p)") }
        if let m = mtu { out.append("MTU = \(m)") }
        if let f = fwmark { out.append("FwMark = \(f == 0 ? "off" : String(f))") }
        if !dns.isEmpty { out.append("DNS = " + dns.joined(separator: ", ")) }
        if table != .auto { out.append("Table = \(table)") }
        out += preUp.map { "PreUp = \($0)" } + postUp.map { "PostUp = \($0)" }
        out += preDown.map { "PreDown = \($0)" } + postDown.map { "PostDown = \($0)" }
        if saveConfig { out.append("SaveConfig = true") }
        for p in peers {
            out += ["", "[Peer]", "PublicKey = \(p.publicKey.base64)"]
            if let k = p.presharedKey { out.append("PresharedKey = \(k.base64)") }
            if !p.allowedIPs.isEmpty {
                out.append("AllowedIPs = " + p.allowedIPs.map(\.description).joined(separator: ", "))
            }
            if let e = p.endpoint { out.append("Endpoint = \(e)") }
            if let k = p.persistentKeepalive { out.append("PersistentKeepalive = \(k)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
