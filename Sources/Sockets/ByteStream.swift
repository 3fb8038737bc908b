/// A blocking, ordered byte stream: a socket, or a Secret Connection layered on one.
public protocol ByteStream: AnyObject, Sendable {
    /// Blocks until at least one byte is available and returns at most `maxLength` bytes.
    /// Throws `SocketError` with code `.closed` at end of stream.
    func read(maxLength: Int) throws -> [UInt8]
    /// Writes all of `bytes` or throws.
    func write(_ bytes: [UInt8]) throws
    /// Closes the stream; a blocked `read` on another thread returns `.closed`. Safe to call twice.
    func close()
}

extension ByteStream {
    /// Reads exactly `count` bytes, or throws `.closed` if the stream ends first.
    public func readExactly(_ count: Int) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            out += try read(maxLength: count - out.count)
        }
        return out
    }
}
