/// The few protobuf wire-format pieces the handshake needs: uvarints, length-delimited fields, field walking.
enum Protobuf {
    static func uvarint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out = [UInt8]()
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    enum Varint: Equatable {
        case value(UInt64, length: Int)
        case incomplete
        case invalid
    }

    /// Reads a uvarint at the start of `bytes`; `.invalid` if it runs past 10 bytes or 64 bits.
    static func readUvarint(_ bytes: ArraySlice<UInt8>) -> Varint {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for (i, byte) in bytes.enumerated() {
            if i == 9 && byte > 1 { return .invalid }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return .value(value, length: i + 1) }
            shift += 7
        }
        return .incomplete
    }

    /// A length-delimited field: tag, uvarint length, bytes.
    static func bytesField(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [number << 3 | 2] + uvarint(UInt64(payload.count)) + payload
    }

    struct Field {
        let number: UInt64
        let wireType: UInt8
        /// The payload of a length-delimited field; empty for other wire types.
        let bytes: ArraySlice<UInt8>
    }

    struct DecodeError: Error {
        let reason: String
    }

    /// Splits a message into its fields, skipping over varint and fixed-width values.
    static func fields(_ message: ArraySlice<UInt8>) throws(DecodeError) -> [Field] {
        var out = [Field]()
        var rest = message
        while !rest.isEmpty {
            guard case .value(let key, let keyLength) = readUvarint(rest) else {
                throw DecodeError(reason: "bad field key")
            }
            rest = rest.dropFirst(keyLength)
            let number = key >> 3
            let wireType = UInt8(key & 7)
            guard number > 0 else { throw DecodeError(reason: "field number 0") }
            switch wireType {
            case 0:
                guard case .value(_, let length) = readUvarint(rest) else { throw DecodeError(reason: "bad varint") }
                rest = rest.dropFirst(length)
                out.append(Field(number: number, wireType: 0, bytes: []))
            case 1, 5:
                let width = wireType == 1 ? 8 : 4
                guard rest.count >= width else { throw DecodeError(reason: "field \(number) is truncated") }
                rest = rest.dropFirst(width)
                out.append(Field(number: number, wireType: wireType, bytes: []))
            case 2:
                guard case .value(let length, let lengthSize) = readUvarint(rest),
                      length <= UInt64(rest.count - lengthSize) else {
                    throw DecodeError(reason: "field \(number) length runs past the message")
                }
                let payload = rest.dropFirst(lengthSize).prefix(Int(length))
                rest = rest.dropFirst(lengthSize + Int(length))
                out.append(Field(number: number, wireType: 2, bytes: payload))
            default:
                throw DecodeError(reason: "field \(number) has unsupported wire type \(wireType)")
            }
        }
        return out
    }
}
