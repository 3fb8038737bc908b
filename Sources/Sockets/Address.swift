/// `host:port` parsing for listen and connect addresses; IPv6 literals are bracketed (`[::1]:26658`).
public enum Address {
    public static func parse(_ text: String) throws -> (host: String, port: UInt16) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw SocketError.invalidAddress(text, "missing `]' after the IPv6 address")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw SocketError.invalidAddress(text, "expected `[host]:port'") }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw SocketError.invalidAddress(text, "expected `host:port'")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") {
                throw SocketError.invalidAddress(text, "put an IPv6 address in brackets: `[::1]:26658'")
            }
        }
        guard !hostPart.isEmpty else { throw SocketError.invalidAddress(text, "the host is empty") }
        guard let port = UInt16(portPart) else {
            throw SocketError.invalidAddress(text, "the port must be a number from 0 to 65535")
        }
        return (String(hostPart), port)
    }

    /// `host:port`, bracketing IPv6 literals.
    public static func format(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
