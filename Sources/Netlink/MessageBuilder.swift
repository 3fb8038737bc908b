/// Builds one netlink message: header, optional family header, attributes and nests.
///
/// Integers are written in host byte order, as netlink expects. `capacity` plays the role of libmnl's
/// `buflen`: the `…Checked` puts refuse (and return false) exactly when `mnl_attr_put_check` /
/// `mnl_attr_nest_start_check` would, so message splitting matches wireguard-tools byte for byte.
public struct NetlinkMessageBuilder: Sendable {
    public private(set) var bytes: [UInt8]
    public let capacity: Int

    public init(type: UInt16, flags: NetlinkFlags, sequence: UInt32 = 0, portID: UInt32 = 0, capacity: Int = 8192) {
        self.capacity = capacity
        bytes = []
        bytes.reserveCapacity(min(capacity, 65536))
        appendRaw(UInt32(NL.headerLength))
        appendRaw(type)
        appendRaw(flags.rawValue)
        appendRaw(sequence)
        appendRaw(portID)
    }

    /// Bytes of the message so far; the header length field is always current.
    public var length: Int { bytes.count }

    /// Appends a family header (genlmsghdr, ifinfomsg, …), padded to 4 bytes.
    public mutating func putExtraHeader(_ header: [UInt8]) {
        bytes += header
        pad()
        updateLength()
    }

    // MARK: unchecked puts

    public mutating func put(_ type: UInt16, _ payload: [UInt8]) {
        appendRaw(UInt16(NL.attributeHeaderLength + payload.count))
        appendRaw(type)
        bytes += payload
        pad()
        updateLength()
    }

    public mutating func putU8(_ type: UInt16, _ value: UInt8) { put(type, [value]) }
    public mutating func putU16(_ type: UInt16, _ value: UInt16) { put(type, hostBytes(value)) }
    public mutating func putU32(_ type: UInt16, _ value: UInt32) { put(type, hostBytes(value)) }
    public mutating func putU64(_ type: UInt16, _ value: UInt64) { put(type, hostBytes(value)) }
    /// A NUL-terminated string (`mnl_attr_put_strz`), as IFLA_IFNAME and WGDEVICE_A_IFNAME require.
    public mutating func putStringZ(_ type: UInt16, _ value: String) { put(type, Array(value.utf8) + [0]) }

    // MARK: checked puts (false = would not fit, nothing written)

    public func fits(payload count: Int) -> Bool {
        length + NL.attributeHeaderLength + align4(count) <= capacity
    }

    public mutating func putChecked(_ type: UInt16, _ payload: [UInt8]) -> Bool {
        guard fits(payload: payload.count) else { return false }
        put(type, payload)
        return true
    }

    public mutating func putU8Checked(_ type: UInt16, _ value: UInt8) -> Bool { putChecked(type, [value]) }
    public mutating func putU16Checked(_ type: UInt16, _ value: UInt16) -> Bool { putChecked(type, hostBytes(value)) }
    public mutating func putU32Checked(_ type: UInt16, _ value: UInt32) -> Bool { putChecked(type, hostBytes(value)) }
    public mutating func putU64Checked(_ type: UInt16, _ value: UInt64) -> Bool { putChecked(type, hostBytes(value)) }
    public mutating func putStringZChecked(_ type: UInt16, _ value: String) -> Bool {
        putChecked(type, Array(value.utf8) + [0])
    }

    // MARK: nests (NLA_F_NESTED always set: the kernel's strict parsing rejects nests without it)

    /// Opens a nest and returns its offset for `endNest`/`cancelNest`.
    public mutating func beginNest(_ type: UInt16) -> Int {
        let start = bytes.count
        appendRaw(UInt16(NL.attributeHeaderLength))
        appendRaw(type | NL.nestedFlag)
        updateLength()
        return start
    }

    public mutating func beginNestChecked(_ type: UInt16) -> Int? {
        guard length + NL.attributeHeaderLength <= capacity else { return nil }
        return beginNest(type)
    }

    public mutating func endNest(_ start: Int) {
        let len = UInt16(truncatingIfNeeded: bytes.count - start)
        bytes.replaceSubrange(start..<start + 2, with: hostBytes(len))
    }

    /// Drops a nest and everything written into it.
    public mutating func cancelNest(_ start: Int) {
        bytes.removeSubrange(start...)
        updateLength()
    }

    // MARK: private

    private mutating func appendRaw<T: FixedWidthInteger>(_ value: T) { bytes += hostBytes(value) }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    private mutating func updateLength() {
        let len = hostBytes(UInt32(bytes.count))
        bytes.replaceSubrange(0..<4, with: len)
    }
}

func align4(_ n: Int) -> Int { (n + 3) & ~3 }

/// Host-order bytes of an integer (netlink's byte order for everything but addresses and ports).
public func hostBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}
