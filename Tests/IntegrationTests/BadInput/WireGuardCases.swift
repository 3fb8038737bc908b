import Foundation

/// wg-quick configs through `sigil tunnel up`: every one is refused while parsing, before any link is touched.
extension BadInput {
    static func tunnel(_ name: String, names: [String], fix: String, file: String = "wg0.conf", mode: Int = 0o600,
                       privateKeyLine: String? = nil, interface: String = "", peer: String = "") -> BadInput {
        let text = Sandbox.wgConfig(privateKeyLine: privateKeyLine, interface: interface, peer: peer)
        return BadInput(area: "wg config", name: name, args: ["tunnel", "up", file],
                        setup: { try $0.write(file, text, mode: mode) }, names: names, fix: fix)
    }

    static let key = Sandbox.wgKey

    static let wireGuard: [BadInput] = [
        tunnel("`Private Key` with a space", names: ["wg0.conf:2", "Private Key ="], fix: "write it as `PrivateKey'",
               privateKeyLine: "Private Key = \(key)"),
        tunnel("`PrivateKey:` with a colon", names: ["wg0.conf:2", "PrivateKey:"], fix: "write `PrivateKey = <value>'",
               privateKeyLine: "PrivateKey: \(key)"),
        tunnel("no `=` at all", names: ["wg0.conf:2", "PrivateKey"], fix: "write `PrivateKey = <value>'",
               privateKeyLine: "PrivateKey \(key)"),
        tunnel("a truncated private key", names: ["wg0.conf:2", "PrivateKey"], fix: "must be 44 base64 characters",
               privateKeyLine: "PrivateKey = \(key.prefix(40))"),
        tunnel("a private key with a typo", names: ["wg0.conf:2", "PrivateKey"], fix: "is not canonical base64",
               privateKeyLine: "PrivateKey = \(key.prefix(20))!\(key.dropFirst(21))"),
        tunnel("the key on a line of its own", names: ["wg0.conf:2"], fix: "expected PrivateKey, Address", privateKeyLine: key),
        tunnel("a bad preshared key", names: ["wg0.conf:9", "PresharedKey"], fix: "must be 44 base64 characters",
               peer: "PresharedKey = \(key.dropLast(2))\n"),
        tunnel("an unknown key holding a secret", names: ["wg0.conf:5", "Secret"], fix: "expected PrivateKey, Address",
               interface: "Secret = \(key)\n"),
        tunnel("config readable by others", names: ["wg0.conf"], fix: "chmod 600 wg0.conf", mode: 0o644),
        tunnel("config writable by others", names: ["wg0.conf"], fix: "chmod 600 wg0.conf", mode: 0o602),
        tunnel("config writable by group", names: ["wg0.conf"], fix: "chmod 600 wg0.conf", mode: 0o620),
        tunnel("not named <interface>.conf", names: ["wg0.txt"], fix: "must be named <interface>.conf", file: "wg0.txt"),
        tunnel("interface name too long", names: ["averyverylongname0"], fix: "use 1 to 15 characters", file: "averyverylongname0.conf"),
        tunnel("two [Interface] sections", names: ["wg0.conf:5", "[Interface]"], fix: "merge them", interface: "[Interface]\n"),
        tunnel("a key set twice", names: ["wg0.conf:5", "ListenPort = 51821"], fix: "keep one of the two lines",
               interface: "ListenPort = 51821\n"),
        tunnel("MTU out of range", names: ["wg0.conf:5", "MTU = 70"], fix: "must be a number 576-65535",
               interface: "MTU = 70\n"),
        tunnel("an address without a prefix length", names: ["wg0.conf:5", "10.200.0.1/33"], fix: "like 10.200.0.1/24",
               interface: "Address = 10.200.0.1/33\n"),
        tunnel("a [Peer] without PublicKey", names: ["wg0.conf:9", "[Peer]"], fix: "add PublicKey",
               peer: "[Peer]\nAllowedIPs = 10.200.0.3/32\n"),
        tunnel("a 10 kB line", names: ["wg0.conf", "line 5"], fix: "over the 4096-byte limit",
               interface: "# " + String(repeating: "x", count: 10_000) + "\n"),
        BadInput(area: "wg config", name: "config path is a directory", args: ["tunnel", "up", "wg1.conf"],
                 setup: { try $0.mkdir("wg1.conf") }, names: ["wg1.conf"], fix: "give the path of the file itself"),
        BadInput(area: "wg config", name: "config file missing", args: ["tunnel", "up", "wg9.conf"],
                 names: ["wg9.conf"], fix: "check the path"),
    ]
}
