import Sockets

/// Just enough HTTP/1.1 for a scrape: one GET per connection, a complete response, then close.
/// Why not swift-nio: see Docs/design.md ("Metrics listener").
public enum HTTP {
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]

        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        public init(status: Int, text: String) { self.init(status: status, body: Array(text.utf8)) }

        /// The bytes on the wire.
        public func encoded() -> [UInt8] {
            let head = "HTTP/1.1 \(status) \(HTTP.reasonPhrase(status))\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n"
                + (status == 405 ? "Allow: GET\r\n" : "") + "\r\n"
            return Array(head.utf8) + body
        }
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// The largest request head accepted; a scrape's is a few hundred bytes.
    static let maxHead = 8 * 1024

    /// Parses a request head into (method, path without the query); nil when it is not HTTP.
    static func requestLine(_ head: [UInt8]) -> (method: String, path: String)? {
        guard let end = head.firstIndex(of: UInt8(ascii: "\r")) ?? head.firstIndex(of: UInt8(ascii: "\n")) else {
            return nil
        }
        let parts = String(decoding: head[..<end], as: UTF8.self).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        let target = parts[1]
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? target
        return (String(parts[0]), String(path))
    }

    /// Reads one request head from `socket` and answers it with `route(path)`.
    static func serve(_ socket: Socket, route: (String) -> Response) {
        defer { socket.close() }
        socket.setTimeouts(read: 2, write: 2)
        var head: [UInt8] = []
        let response: Response
        do {
            while !containsEnd(head) {
                guard head.count < maxHead else { throw TelemetryError(.response, "request head too large") }
                head += try socket.read(maxLength: 2048)
            }
            if let (method, path) = requestLine(head) {
                response = method == "GET" ? route(path) : Response(status: 405, text: "only GET is served\n")
            } else {
                response = Response(status: 400, text: "not an HTTP/1.x request\n")
            }
        } catch let e as TelemetryError where e.code == .response {
            response = Response(status: 431, text: "request head over \(maxHead) bytes\n")
        } catch {
            return
        }
        try? socket.write(response.encoded())
    }

    static func containsEnd(_ bytes: [UInt8]) -> Bool { headEnd(bytes) != nil }

    /// The index just past the blank line ending the head.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i..<(i + 4)].elementsEqual([13, 10, 13, 10]) { return i + 4 }
        return nil
    }

    /// `GET http://host:port/path` (used by `sigil status`); returns the status and body.
    public static func get(host: String, port: UInt16, path: String, timeout: Double = 3) throws -> (Int, [UInt8]) {
        let target = Address.format(host: host, port: port)
        let socket: Socket
        do { socket = try Socket.connect(host: host, port: port, timeout: timeout) } catch {
            throw TelemetryError(.fetch, "cannot reach the signer's metrics listener at \(target): \(error)")
        }
        defer { socket.close() }
        socket.setTimeouts(read: timeout, write: timeout)
        var reply: [UInt8] = []
        do {
            try socket.write(Array("GET \(path) HTTP/1.1\r\nHost: \(target)\r\nConnection: close\r\n\r\n".utf8))
            while true { reply += try socket.read(maxLength: 64 * 1024) }
        } catch let e as SocketError where e.code == .closed {
            // End of the response.
        } catch {
            throw TelemetryError(.fetch, "reading http://\(target)\(path): \(error)")
        }
        guard let (status, body) = split(reply) else {
            throw TelemetryError(
                .response, "http://\(target)\(path) did not answer with HTTP; is that the metrics addr?")
        }
        return (status, body)
    }

    static func split(_ reply: [UInt8]) -> (Int, [UInt8])? {
        let first = String(decoding: reply.prefix(64), as: UTF8.self).split(separator: " ")
        guard let end = headEnd(reply), first.count >= 2, first[0].hasPrefix("HTTP/1."), let status = Int(first[1])
        else { return nil }
        return (status, Array(reply[end...]))
    }
}
