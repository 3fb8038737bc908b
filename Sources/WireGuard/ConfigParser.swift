import Sockets

extension TunnelConfig {
    /// wg-quick's rule for config names, which become interface names.
    public static func isValidInterfaceName(_ name: String) -> Bool {
        let ok = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=+.-".utf8)
        return (1...15).contains(name.utf8.count) && name.utf8.allSatisfy { ok.contains($0) }
    }

    /// The interface name for a config path: `/etc/wireguard/wg0.conf` → `wg0`.
    public static func interfaceName(forPath path: String) throws -> String {
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard base.hasSuffix(".conf") else {
            throw WireGuardError.config(path, "a tunnel config must be named <interface>.conf, e.g. wg0.conf")
        }
        let name = String(base.dropLast(5))
        guard isValidInterfaceName(name) else { throw WireGuardError.invalidInterfaceName(name) }
        return name
    }

    /// Far above any real line (a hook with a long command); a longer line is a wrong file.
    public static let maxLineLength = 4096

    /// Parses wg-quick config text. `file` only labels errors; `name` is the interface name.
    public static func parse(_ text: String, name: String, file: String? = nil) throws -> TunnelConfig {
        guard isValidInterfaceName(name) else { throw WireGuardError.invalidInterfaceName(name) }
        var parser = ConfigParser(file: file ?? "\(name).conf", config: TunnelConfig(name: name))
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.utf8.count <= maxLineLength else {
                throw WireGuardError.config(parser.file, "line \(i + 1) is \(line.utf8.count) bytes long, over the "
                    + "\(maxLineLength)-byte limit; is this a wg-quick config? Fix or remove that line")
            }
            try parser.consume(String(line), number: i + 1)
        }
        return try parser.finish()
    }
}

/// Line-by-line state of the parser: which section we are in and which keys were seen.
struct ConfigParser {
    enum Section { case none, interface, peer }

    let file: String
    var config: TunnelConfig
    var section = Section.none
    var seen = Set<String>()
    var peer: PeerDraft?
    var sawInterface = false

    struct PeerDraft {
        var line: Int
        var publicKey: WireGuardKey?
        var presharedKey: WireGuardKey?
        var allowedIPs: [CIDR] = []
        var endpoint: HostPort?
        var keepalive: UInt16?
    }

    init(file: String, config: TunnelConfig) {
        self.file = file
        self.config = config
    }

    mutating func consume(_ raw: String, number: Int) throws {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        let content = trim(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if content.isEmpty { return }
        if content.hasPrefix("[") {
            try startSection(content, line: line, number: number)
            return
        }
        let name = content.firstIndex(of: "=").map { trim(content[..<$0]) } ?? content
        if let key = ConfigParser.keyMissingEquals(name) {
            throw WireGuardError.config(file, line: number, shown(line), "no `=' after \(key); write `\(key) = <value>'")
        }
        guard let eq = content.firstIndex(of: "=") else {
            throw WireGuardError.config(file, line: number, shown(line), "expected `Key = Value' or a [Section]")
        }
        let key = trim(content[..<eq]).lowercased()
        // Hooks keep everything after `=`, `#` included, as wg-quick does since 2025.
        let isHook = ["preup", "postup", "predown", "postdown"].contains(key)
        let rawEq = line.firstIndex(of: "=") ?? line.endIndex
        let value = isHook ? trim(line[line.index(after: rawEq)...]) : trim(content[content.index(after: eq)...])
        switch section {
        case .none:
            throw WireGuardError.config(file, line: number, shown(line),
                                        "key outside a section; start with [Interface]")
        case .interface:
            try interfaceKey(key, value, line: line, number: number)
        case .peer:
            try peerKey(key, value, line: line, number: number)
        }
    }

    mutating func startSection(_ content: String, line: String, number: Int) throws {
        try closePeer()
        seen = []
        switch content.lowercased() {
        case "[interface]":
            guard !sawInterface else {
                throw WireGuardError.config(file, line: number, line,
                                            "a second [Interface] section; a config has exactly one, merge them")
            }
            sawInterface = true
            section = .interface
        case "[peer]":
            section = .peer
            peer = PeerDraft(line: number)
        default:
            throw WireGuardError.config(file, line: number, shownName(content),
                                        "unknown section; expected [Interface] or [Peer]")
        }
    }

    mutating func interfaceKey(_ key: String, _ value: String, line: String, number: Int) throws {
        let multi: Set<String> = ["address", "dns", "preup", "postup", "predown", "postdown"]
        if !multi.contains(key) {
            guard seen.insert(key).inserted else {
                throw WireGuardError.config(file, line: number, shown(line), "this key is already set in [Interface]; keep one of the two lines")
            }
        }
        func bad(_ why: String) -> WireGuardError { WireGuardError.config(file, line: number, shown(line), why) }
        switch key {
        case "privatekey":
            let k = try key32(value, what: "PrivateKey", secret: true, line: line, number: number)
            config.privateKey = k
        case "address":
            for item in list(value) {
                guard let c = CIDR(item) else {
                    throw bad("`\(Redaction.scrub(item))' is not an address like 10.200.0.1/24")
                }
                config.addresses.append(c)
            }
        case "listenport":
            guard let p = UInt16(value) else { throw bad("ListenPort must be a number 0-65535") }
            config.listenPort = p
        case "mtu":
            guard let m = UInt32(value), (576...65535).contains(m) else { throw bad("MTU must be a number 576-65535") }
            config.mtu = m
        case "fwmark":
            guard let m = parseFwmark(value) else { throw bad("FwMark must be `off' or a number (0x.. allowed)") }
            config.fwmark = m
        case "dns":
            config.dns += list(value)
        case "table":
            switch value.lowercased() {
            case "auto": config.table = .auto
            case "off": config.table = .off
            default:
                guard let n = UInt32(value) else { throw bad("Table must be `auto', `off' or a table number") }
                config.table = .number(n)
            }
        case "preup": config.preUp.append(value)
        case "postup": config.postUp.append(value)
        case "predown": config.preDown.append(value)
        case "postdown": config.postDown.append(value)
        case "saveconfig":
            switch value.lowercased() {
            case "true": config.saveConfig = true
            case "false": config.saveConfig = false
            default: throw bad("SaveConfig must be `true' or `false'")
            }
        default:
            throw bad(unknownKey(key, in: .interface))
        }
    }

    mutating func peerKey(_ key: String, _ value: String, line: String, number: Int) throws {
        func bad(_ why: String) -> WireGuardError { WireGuardError.config(file, line: number, shown(line), why) }
        if key != "allowedips" {
            guard seen.insert(key).inserted else { throw bad("this key is already set in this [Peer]; keep one of the two lines") }
        }
        switch key {
        case "publickey":
            let k = try key32(value, what: "PublicKey", secret: false, line: line, number: number)
            peer?.publicKey = k
        case "presharedkey":
            let k = try key32(value, what: "PresharedKey", secret: true, line: line, number: number)
            peer?.presharedKey = k
        case "allowedips":
            for item in list(value) {
                guard let c = CIDR(item) else {
                    throw bad("`\(Redaction.scrub(item))' is not a prefix like 10.200.0.2/32")
                }
                peer?.allowedIPs.append(c)
            }
        case "endpoint":
            guard let e = HostPort(value) else { throw bad("Endpoint must be host:port or [IPv6]:port") }
            peer?.endpoint = e
        case "persistentkeepalive":
            if value.lowercased() == "off" {
                peer?.keepalive = 0
            } else {
                guard let k = UInt16(value) else { throw bad("PersistentKeepalive must be `off' or 0-65535 seconds") }
                peer?.keepalive = k
            }
        default:
            throw bad(unknownKey(key, in: .peer))
        }
    }

    func unknownKey(_ key: String, in section: Section) -> String {
        let name = section == .peer ? "[Peer]" : "[Interface]"
        if let fix = ConfigParser.suggestion(for: key, in: section) { return "unknown key in \(name); write it as `\(fix)'" }
        return section == .peer
            ? "unknown key in [Peer]; expected PublicKey, PresharedKey, AllowedIPs, Endpoint or PersistentKeepalive"
            : "unknown key in [Interface]; expected PrivateKey, Address, ListenPort, MTU, FwMark, DNS, Table, "
                + "SaveConfig or a Pre/Post Up/Down hook"
    }

    mutating func closePeer() throws {
        guard let p = peer else { return }
        peer = nil
        guard let pk = p.publicKey else {
            throw WireGuardError.config(file, line: p.line, "[Peer]",
                                        "this [Peer] has no PublicKey; add PublicKey = <the peer's `wg pubkey' output>")
        }
        if config.peers.contains(where: { $0.publicKey == pk }) {
            throw WireGuardError.config(file, line: p.line, "[Peer]",
                                        "a second [Peer] with the PublicKey of an earlier [Peer]; merge the two sections")
        }
        config.peers.append(TunnelPeer(publicKey: pk, presharedKey: p.presharedKey, allowedIPs: p.allowedIPs,
                                       endpoint: p.endpoint, persistentKeepalive: p.keepalive))
    }

    mutating func finish() throws -> TunnelConfig {
        try closePeer()
        guard sawInterface else {
            throw WireGuardError.config(file, "no [Interface] section; is this a wg-quick config? It starts with [Interface]")
        }
        return config
    }

    func key32(_ value: String, what: String, secret: Bool, line: String, number: Int) throws -> WireGuardKey {
        do {
            return try WireGuardKey(base64: value, what: what, secret: secret)
        } catch let e as WireGuardError {
            throw WireGuardError.config(file, line: number, shown(line), e.reason)
        }
    }

    /// The line as errors may show it. A wg config holds secrets, so a value is shown only under a key that never
    /// holds one and only when it is not shaped like a key; a key name is shown only when it looks like a name.
    func shown(_ line: String) -> String {
        let content = trim(line)
        guard let eq = content.firstIndex(of: "=") else { return shownName(content) }
        let name = trim(content[..<eq])
        let value = trim(content[content.index(after: eq)...])
        let key = name.lowercased()
        if value.isEmpty { return "\(shownName(name)) =" }
        let shownValue = ConfigParser.plainKeys.contains(key) && !Redaction.containsKeyLike(value)
            && !value.contains(where: { !$0.isASCII })
            ? value : Redaction.hidden(value)
        return "\(shownName(name)) = \(shownValue)"
    }

    /// A key name as typed when it is a short run of letters, digits and spaces; otherwise its first word, if
    /// that is one, and the rest hidden (`PrivateKey: <key>` shows `PrivateKey:`).
    func shownName(_ text: String) -> String {
        let isWord = { (w: Substring) in w.count <= 24 && w.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") } }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if text.count <= 32, words.allSatisfy({ w in isWord(w) || (w.count <= 8 && w.allSatisfy(\.isASCII)) }),
           !Redaction.containsKeyLike(text) {
            return text
        }
        guard let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).first,
              isWord(first), text.hasPrefix(first) else { return Redaction.hidden(text) }
        let rest = text.dropFirst(first.count)
        return "\(first)\(rest.first == ":" ? ":" : "") \(Redaction.hidden(rest.drop { $0 == ":" || $0 == " " }))"
    }

    /// `PrivateKey: <key>` or `PrivateKey <key>`: a known key followed by more text before any `=`, which is then
    /// only the value's own base64 padding. Returns the key as typed.
    static func keyMissingEquals(_ name: String) -> String? {
        let separators: Set<Character> = [" ", "\t", ":"]
        guard let word = name.split(whereSeparator: { separators.contains($0) }).first, name.hasPrefix(word) else {
            return nil
        }
        let rest = name.dropFirst(word.count)
        guard let next = rest.first, separators.contains(next), rest.contains(where: { !separators.contains($0) }),
              (suggestion(for: String(word), in: .interface) ?? suggestion(for: String(word), in: .peer)) != nil
        else { return nil }
        return String(word)
    }

    /// Keys whose values are never secret (hooks can hold anything, so they are not listed).
    static let plainKeys: Set<String> = [
        "address", "dns", "listenport", "mtu", "fwmark", "table", "saveconfig", "publickey", "allowedips",
        "endpoint", "persistentkeepalive",
    ]

    /// The known key closest to a mistyped one (`Private Key`, `private_key` → PrivateKey).
    static func suggestion(for key: String, in section: Section) -> String? {
        let known = section == .peer
            ? ["PublicKey", "PresharedKey", "AllowedIPs", "Endpoint", "PersistentKeepalive"]
            : ["PrivateKey", "Address", "ListenPort", "MTU", "FwMark", "DNS", "Table", "PreUp", "PostUp", "PreDown",
               "PostDown", "SaveConfig"]
        let squashed = key.lowercased().filter { $0.isLetter }
        return known.first { $0.lowercased() == squashed }
    }

    func parseFwmark(_ v: String) -> UInt32? {
        if v.lowercased() == "off" { return 0 }
        if v.lowercased().hasPrefix("0x") { return UInt32(v.dropFirst(2), radix: 16) }
        return UInt32(v)
    }
}

func trim<S: StringProtocol>(_ s: S) -> String {
    let ws: Set<Character> = [" ", "\t", "\r"]
    var sub = Substring(s)
    while let f = sub.first, ws.contains(f) { sub.removeFirst() }
    while let l = sub.last, ws.contains(l) { sub.removeLast() }
    return String(sub)
}

func list(_ value: String) -> [String] {
    value.split(separator: ",").map { trim($0) }.filter { !$0.isEmpty }
}

extension TunnelConfig {
    /// Reads and parses a config file; like any private key file it must not be group/world-readable.
    public static func load(path: String) throws -> TunnelConfig {
        let name = try interfaceName(forPath: path)
        var bytes = try KeyFile.readSecret(path)
        defer { wipe(&bytes) }
        return try parse(String(decoding: bytes, as: UTF8.self), name: name, file: path)
    }
}

import SigilCrypto
