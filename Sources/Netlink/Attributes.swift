/// One netlink attribute (TLV) as received; `type` has the NESTED/BYTEORDER bits masked off.
public struct NetlinkAttribute: Hashable, Sendable {
    public let type: UInt16
    public let isNested: Bool
    public let payload: [UInt8]

    public init(type: UInt16, isNested: Bool = false, payload: [UInt8]) {
        self.type = type
        self.isNested = isNested
        self.payload = payload
    }

    /// Splits a run of attributes; every length is checked against the bytes actually present.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws -> [NetlinkAttribute] {
        var out: [NetlinkAttribute] = []
        var i = bytes.startIndex
        while bytes.endIndex - i >= NL.attributeHeaderLength {
            let len = Int(readHost(UInt16.self, bytes, at: i))
            let rawType = readHost(UInt16.self, bytes, at: i + 2)
            guard len >= NL.attributeHeaderLength, len <= bytes.endIndex - i else {
                throw NetlinkError.malformed("attribute type \(rawType & 0x3FFF) claims \(len) bytes, "
                    + "\(bytes.endIndex - i) available")
            }
            out.append(NetlinkAttribute(
                type: rawType & ~(NL.nestedFlag | NL.byteOrderFlag), isNested: rawType & NL.nestedFlag != 0,
                payload: Array(bytes[(i + NL.attributeHeaderLength)..<(i + len)])))
            i += align4(len)
        }
        return out
    }

    public static func parse(_ bytes: [UInt8]) throws -> [NetlinkAttribute] { try parse(bytes[...]) }

    /// The attributes inside a nest.
    public func nested() throws -> [NetlinkAttribute] { try NetlinkAttribute.parse(payload) }

    public func u8() throws -> UInt8 { try exact(1, "u8"); return payload[0] }
    public func u16() throws -> UInt16 { try exact(2, "u16"); return readHost(UInt16.self, payload[...], at: 0) }
    public func u32() throws -> UInt32 { try exact(4, "u32"); return readHost(UInt32.self, payload[...], at: 0) }
    public func u64() throws -> UInt64 { try exact(8, "u64"); return readHost(UInt64.self, payload[...], at: 0) }
    public func i64(at offset: Int) throws -> Int64 {
        guard payload.count >= offset + 8 else { throw lengthError("s64 at \(offset)") }
        return readHost(Int64.self, payload[...], at: offset)
    }

    /// A string with or without its trailing NUL.
    public func string() -> String {
        let end = payload.firstIndex(of: 0) ?? payload.endIndex
        return String(decoding: payload[..<end], as: UTF8.self)
    }

    public func bytes(count: Int) throws -> [UInt8] {
        try exact(count, "\(count)-byte value")
        return payload
    }

    private func exact(_ n: Int, _ what: String) throws {
        guard payload.count == n else { throw lengthError(what) }
    }

    private func lengthError(_ what: String) -> NetlinkError {
        NetlinkError.malformed("attribute type \(type) should hold a \(what) but has \(payload.count) bytes")
    }
}

extension Array where Element == NetlinkAttribute {
    /// The first attribute of a type (the kernel never repeats scalar attributes).
    public func first(_ type: UInt16) -> NetlinkAttribute? { first { $0.type == type } }
}

/// Reads a host-order integer at an absolute index; callers have checked the bounds.
func readHost<T: FixedWidthInteger>(_: T.Type, _ bytes: ArraySlice<UInt8>, at index: Int) -> T {
    var value = T.zero
    withUnsafeMutableBytes(of: &value) { dst in
        for k in 0..<MemoryLayout<T>.size { dst[k] = bytes[index + k] }
    }
    return value
}
