/// `nlmsghdr.nlmsg_flags` bits (`linux/netlink.h`).
public struct NetlinkFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let request = NetlinkFlags(rawValue: 0x001)
    public static let multi = NetlinkFlags(rawValue: 0x002)
    public static let ack = NetlinkFlags(rawValue: 0x004)
    public static let dumpInterrupted = NetlinkFlags(rawValue: 0x010)
    /// ROOT | MATCH.
    public static let dump = NetlinkFlags(rawValue: 0x300)
    public static let replace = NetlinkFlags(rawValue: 0x100)
    public static let exclusive = NetlinkFlags(rawValue: 0x200)
    public static let create = NetlinkFlags(rawValue: 0x400)
    /// In an NLMSG_ERROR: the original request was not echoed back.
    public static let capped = NetlinkFlags(rawValue: 0x100)
    /// In an NLMSG_ERROR or NLMSG_DONE: extended-ack TLVs follow.
    public static let ackTLVs = NetlinkFlags(rawValue: 0x200)
}

// Numbers are spelled out instead of imported: several are macros or enum members Swift cannot see,
// and the golden tests check them against the kernel headers' values anyway.
enum NL {
    static let headerLength = 16
    static let attributeHeaderLength = 4
    static let nestedFlag: UInt16 = 0x8000
    static let byteOrderFlag: UInt16 = 0x4000
    static let ifNameSize = 16  // IFNAMSIZ, including the NUL

    // Control message types.
    static let noop: UInt16 = 1
    static let error: UInt16 = 2
    static let done: UInt16 = 3
    static let overrun: UInt16 = 4
    static let minType: UInt16 = 0x10

    // Extended ack TLVs after struct nlmsgerr.
    static let errAttrMsg: UInt16 = 1
    static let errAttrOffset: UInt16 = 2

    static let solNetlink: Int32 = 270
    static let extAck: Int32 = 11
    static let getStrictCheck: Int32 = 12
}

enum RTM {
    static let newLink: UInt16 = 16
    static let delLink: UInt16 = 17
    static let getLink: UInt16 = 18
    static let newAddr: UInt16 = 20
    static let delAddr: UInt16 = 21
    static let getAddr: UInt16 = 22
    static let newRoute: UInt16 = 24
    static let delRoute: UInt16 = 25
    static let getRoute: UInt16 = 26
}

enum IFLA {
    static let ifname: UInt16 = 3
    static let mtu: UInt16 = 4
    static let linkinfo: UInt16 = 18
    static let netNsPID: UInt16 = 19
    static let netNsFD: UInt16 = 28
    static let infoKind: UInt16 = 1
    static let infoData: UInt16 = 2
    static let vethInfoPeer: UInt16 = 1
    static let ifinfomsgLength = 16
    static let iffUp: UInt32 = 0x1
}

enum IFA {
    static let address: UInt16 = 1
    static let local: UInt16 = 2
    static let ifaddrmsgLength = 8
}

enum RTA {
    static let dst: UInt16 = 1
    static let oif: UInt16 = 4
    static let gateway: UInt16 = 5
    static let prefsrc: UInt16 = 7
    static let table: UInt16 = 15
    static let rtmsgLength = 12
    static let tableMain: UInt8 = 254
    static let protoBoot: UInt8 = 3
    static let scopeUniverse: UInt8 = 0
    static let scopeLink: UInt8 = 253
    static let scopeNowhere: UInt8 = 255
    static let typeUnicast: UInt8 = 1
}

enum GENL {
    static let idCtrl: UInt16 = 0x10
    static let headerLength = 4
    static let ctrlCmdGetFamily: UInt8 = 3
    static let ctrlAttrFamilyID: UInt16 = 1
    static let ctrlAttrFamilyName: UInt16 = 2
}
