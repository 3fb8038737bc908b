/// Protobuf wire types we read and write (groups are not used by any CometBFT message).
enum WireType: UInt8, CustomStringConvertible {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5

    var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .fixed32: "fixed32"
        }
    }
}

/// Appends proto3 fields. Zero scalars are skipped (proto3); sub-messages are written whenever the
/// caller asks, which is how gogoproto's non-nullable fields come out as present-but-empty.
struct ProtoWriter {
    var bytes: [UInt8] = []

    /// Room for a whole vote up front: growing from empty one byte at a time reallocated the buffer about seven
    /// times per message, on every request and reply.
    init() { bytes.reserveCapacity(128) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    mutating func uint64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .varint)
        varint(value)
    }

    /// int32 and int64 share the encoding: negative values are sign-extended to 10 bytes.
    mutating func int64(_ field: Int, _ value: Int64) {
        uint64(field, UInt64(bitPattern: value))
    }

    mutating func sfixed64(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, .fixed64)
        let v = UInt64(bitPattern: value)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    mutating func bytesField(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) {
        bytesField(field, Array(value.utf8))
    }

    /// Always written, even when empty: the gogoproto non-nullable / oneof-arm behaviour.
    mutating func message(_ field: Int, _ body: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(body.count))
        bytes += body
    }

    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        message(field, inner.bytes)
    }
}

/// One field as read from the wire; `value` is the varint/fixed value, or the payload for length-delimited.
struct ProtoField {
    let number: Int
    let wireType: WireType
    let scalar: UInt64
    let payload: ArraySlice<UInt8>
}

/// Reads fields one after another. Unknown fields are returned like known ones, and callers skip them,
/// so newer peers (e.g. v0.38 Vote fields 9/10 at an older decoder) never break decoding.
struct ProtoReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int
    /// Message name used in error messages, e.g. "Vote"; built only when one is needed.
    private let name: () -> String

    init(_ bytes: ArraySlice<UInt8>, message: @autoclosure @escaping () -> String) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.name = message
    }

    init(_ bytes: [UInt8], message: @autoclosure @escaping () -> String) {
        self.init(bytes[...], message: message())
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    mutating func next() throws -> ProtoField? {
        guard !isAtEnd else { return nil }
        let message = name
        let key = try readVarint("\(message()) field key")
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else {
            throw PrivvalError.invalidField("\(message()) key", "field number \(number) is out of range")
        }
        guard let type = WireType(rawValue: UInt8(key & 7)) else {
            throw PrivvalError.invalidWireType(message(), field: Int(number), wireType: key & 7)
        }
        // Every name below is an autoclosure: it is only built when a message is malformed.
        switch type {
        case .varint:
            return ProtoField(number: Int(number), wireType: type,
                              scalar: try readVarint("\(message()) field \(number)"), payload: [])
        case .fixed64:
            return ProtoField(number: Int(number), wireType: type,
                              scalar: try readFixed(8, "\(message()) field \(number)"), payload: [])
        case .fixed32:
            return ProtoField(number: Int(number), wireType: type,
                              scalar: try readFixed(4, "\(message()) field \(number)"), payload: [])
        case .lengthDelimited:
            let length = try readVarint("\(message()) field \(number)")
            let left = bytes.endIndex - index
            guard length <= UInt64(left) else {
                throw PrivvalError.truncated("\(message()) field \(number)", need: Int(clamping: length), have: left)
            }
            let payload = bytes[index..<index + Int(length)]
            index += Int(length)
            return ProtoField(number: Int(number), wireType: type, scalar: 0, payload: payload)
        }
    }

    private mutating func readVarint(_ what: @autoclosure () -> String) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex else {
                throw PrivvalError.truncated(what(), need: 1, have: 0)
            }
            let b = bytes[index]
            index += 1
            // The tenth byte may only carry the top bit of a 64-bit value.
            if shift == 63 && b > 1 { throw PrivvalError.malformedVarint(what()) }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw PrivvalError.malformedVarint(what()) }
        }
    }

    private mutating func readFixed(_ count: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
        let left = bytes.endIndex - index
        guard left >= count else { throw PrivvalError.truncated(what(), need: count, have: left) }
        var v: UInt64 = 0
        for i in 0..<count { v |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += count
        return v
    }
}

extension ProtoField {
    // `name` is an autoclosure: the dotted field name is only built for an error message.
    private func expect(_ type: WireType, _ name: () -> String) throws {
        guard wireType == type else { throw PrivvalError.wrongWireType(name(), got: wireType, want: type) }
    }

    func uint64(_ name: @autoclosure () -> String) throws -> UInt64 {
        try expect(.varint, name)
        return scalar
    }

    func int64(_ name: @autoclosure () -> String) throws -> Int64 {
        Int64(bitPattern: try uint64(name()))
    }

    /// proto3 int32 keeps the low 32 bits of the varint, as Go and every other decoder does.
    func int32(_ name: @autoclosure () -> String) throws -> Int32 {
        Int32(truncatingIfNeeded: try uint64(name()))
    }

    func uint32(_ name: @autoclosure () -> String) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try uint64(name()))
    }

    func sfixed64(_ name: @autoclosure () -> String) throws -> Int64 {
        try expect(.fixed64, name)
        return Int64(bitPattern: scalar)
    }

    func bytes(_ name: @autoclosure () -> String) throws -> [UInt8] {
        try expect(.lengthDelimited, name)
        return Array(payload)
    }

    func message(_ name: @autoclosure () -> String) throws -> ArraySlice<UInt8> {
        try expect(.lengthDelimited, name)
        return payload
    }

    func string(_ name: @autoclosure () -> String) throws -> String {
        try expect(.lengthDelimited, name)
        guard let s = String(validating: payload, as: UTF8.self) else {
            throw PrivvalError.invalidField(name(), "not valid UTF-8")
        }
        return s
    }
}
