/// protoio framing: every privval message travels as uvarint(length) ‖ message, in both directions.
public enum Delimited {
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        var w = ProtoWriter()
        w.varint(UInt64(message.count))
        w.bytes += message
        return w.bytes
    }
}

/// Splits a byte stream into delimited messages. Feed it whatever arrives with `append`, then call
/// `next` until it returns nil; a partial message stays buffered until the rest comes in.
public struct DelimitedDecoder: Sendable {
    /// The largest message accepted; a longer declared length is an error before any of it is buffered.
    public let maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxMessageSize: Int = 1 << 20) {
        precondition(maxMessageSize > 0, "maxMessageSize must be positive")
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes received but not yet returned as a message (non-zero at EOF means a truncated message).
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: [UInt8]) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += bytes
    }

    public mutating func next() throws -> [UInt8]? {
        var length: UInt64 = 0
        var shift: UInt64 = 0
        var i = start
        while true {
            guard i < buffer.count else { return nil }
            let b = buffer[i]
            i += 1
            if shift == 63 && b > 1 { throw PrivvalError.malformedVarint("privval message length prefix") }
            length |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
            if shift > 63 { throw PrivvalError.malformedVarint("privval message length prefix") }
        }
        guard length <= UInt64(maxMessageSize) else {
            throw PrivvalError.oversized(Int(clamping: length), cap: maxMessageSize)
        }
        let end = i + Int(length)
        guard end <= buffer.count else { return nil }
        let message = Array(buffer[i..<end])
        start = end
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return message
    }
}
