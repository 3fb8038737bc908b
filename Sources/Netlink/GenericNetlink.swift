/// Generic netlink: family lookup through the `nlctrl` controller.
public struct GenericNetlink {
    let transport: any NetlinkTransport

    /// Over a fresh NETLINK_GENERIC socket in the calling thread's network namespace.
    public init() throws { transport = try MnlSocket(.generic) }

    public init(transport: any NetlinkTransport) { self.transport = transport }

    /// The dynamic message type of a genl family; `.familyNotFound` when its module is not loaded.
    public func resolveFamily(_ name: String) throws -> UInt16 {
        try withContext(NetlinkContext("resolve generic netlink family `\(name)`", family: name)) {
            let replies = try transport.exchange(GenericMessages.getFamily(name))
            guard let m = replies.first else { throw NetlinkError.malformed("no CTRL_CMD_NEWFAMILY for `\(name)`") }
            return try GenericMessages.parseFamilyID(m)
        }
    }
}

public enum GenericMessages {
    /// nlmsghdr + genlmsghdr: a message to `familyID` with command `command`.
    public static func builder(familyID: UInt16, command: UInt8, version: UInt8, flags: NetlinkFlags,
                               capacity: Int = 8192) -> NetlinkMessageBuilder {
        var b = NetlinkMessageBuilder(type: familyID, flags: flags, capacity: capacity)
        b.putExtraHeader([command, version, 0, 0])
        return b
    }

    /// CTRL_CMD_GETFAMILY to GENL_ID_CTRL with CTRL_ATTR_FAMILY_NAME (NUL-terminated), REQUEST|ACK.
    public static func getFamily(_ name: String) -> [UInt8] {
        var b = builder(familyID: GENL.idCtrl, command: GENL.ctrlCmdGetFamily, version: 1, flags: [.request, .ack])
        b.putStringZ(GENL.ctrlAttrFamilyName, name)
        return b.bytes
    }

    public static func parseFamilyID(_ m: NetlinkMessage) throws -> UInt16 {
        guard let id = try m.attributes(after: GENL.headerLength).first(GENL.ctrlAttrFamilyID) else {
            throw NetlinkError.malformed("family reply without CTRL_ATTR_FAMILY_ID")
        }
        return try id.u16()
    }
}
