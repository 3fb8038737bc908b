import Glibc

/// Every failure in Sockets. Equality compares `code` only; `reason` names the address and the errno text.
public struct SocketError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidAddress, resolveFailed, connectFailed, timedOut, closed
        case bindFailed, addressInUse, addressNotAvailable, listenFailed, acceptFailed, readFailed, writeFailed, optionFailed
    }
    public let code: Code
    public let reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (a: SocketError, b: SocketError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    static func errnoText(_ err: Int32) -> String { String(cString: strerror(err)) }

    @inline(never)
    static func invalidAddress(_ text: String, _ why: String) -> SocketError {
        SocketError(code: .invalidAddress, reason: "invalid address `\(text)': \(why)")
    }
    @inline(never)
    static func resolveFailed(_ host: String, _ why: String) -> SocketError {
        SocketError(code: .resolveFailed, reason: "cannot resolve `\(host)': \(why)")
    }
    @inline(never)
    static func connectFailed(_ address: String, errno err: Int32) -> SocketError {
        if err == ETIMEDOUT { return timedOut("connecting to \(address)") }
        return SocketError(code: .connectFailed, reason: "cannot connect to \(address): \(errnoText(err))")
    }
    @inline(never)
    static func timedOut(_ what: String) -> SocketError {
        SocketError(code: .timedOut, reason: "timed out \(what)")
    }
    @inline(never)
    static func closed(_ address: String) -> SocketError {
        SocketError(code: .closed, reason: "connection to \(address) closed")
    }
    @inline(never)
    static func bindFailed(_ address: String, errno err: Int32) -> SocketError {
        if err == EADDRINUSE {
            return SocketError(code: .addressInUse, reason: "cannot listen on \(address): address already in use")
        }
        if err == EADDRNOTAVAIL {
            return SocketError(code: .addressNotAvailable, reason: "cannot bind \(address): no interface has that address")
        }
        return SocketError(code: .bindFailed, reason: "cannot bind \(address): \(errnoText(err))")
    }
    @inline(never)
    static func failed(_ code: Code, _ what: String, _ address: String, errno err: Int32) -> SocketError {
        SocketError(code: code, reason: "\(what) \(address) failed: \(errnoText(err))")
    }
}
