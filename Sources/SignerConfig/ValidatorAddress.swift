/// Where a `[[validator]]` node listens: `tcp://[<peer id>@]host:port` or `unix:///path`.
public enum ValidatorAddress: Hashable, Sendable, CustomStringConvertible {
    /// `peerID` is the optional 40-hex-digit node ID to pin (lower-cased).
    case tcp(peerID: String?, host: String, port: UInt16)
    case unix(path: String)

    /// Parses the tmkms `addr` syntax; the error text says what is wrong with `text`.
    public init(parsing text: String) throws(AddressError) {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw AddressError("unix address needs an absolute path, e.g. unix:///run/sigil.sock")
            }
            self = .unix(path: path)
            return
        }
        guard text.hasPrefix("tcp://") else {
            throw AddressError("address must start with tcp:// or unix://, e.g. tcp://10.0.0.2:26658")
        }
        var rest = Substring(text.dropFirst("tcp://".count))
        var peerID: String?
        if let at = rest.firstIndex(of: "@") {
            let id = rest[..<at].lowercased()
            guard id.count == 40, id.allSatisfy(\.isHexDigit) else {
                throw AddressError("peer ID `\(rest[..<at])` must be 40 hex digits (the node ID)")
            }
            peerID = id
            rest = rest[rest.index(after: at)...]
        }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw AddressError("IPv6 address must look like tcp://[::1]:26658")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw AddressError("address needs a port, e.g. tcp://host:26658")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains(":") || rest.hasPrefix("[") else {
            throw AddressError("host `\(host)` is not a host name or IP address")
        }
        guard let port = UInt16(portText), port > 0 else {
            throw AddressError("port `\(portText)` must be a number from 1 to 65535")
        }
        self = .tcp(peerID: peerID, host: String(host), port: port)
    }

    public var description: String {
        switch self {
        case .unix(let path):
            return "unix://\(path)"
        case .tcp(let peerID, let host, let port):
            let h = host.contains(":") ? "[\(host)]" : host
            return "tcp://\(peerID.map { "\($0)@" } ?? "")\(h):\(port)"
        }
    }

    public struct AddressError: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
