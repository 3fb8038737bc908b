import Glibc
import Sockets

/// One network interface as RTM_GETLINK reports it.
public struct Link: Hashable, Sendable {
    public var index: UInt32
    public var name: String
    /// IFLA_INFO_KIND ("veth", "wireguard", "tun", …); nil for kind-less links such as `lo` or physical NICs.
    public var kind: String?
    /// `ifi_flags` (IFF_UP 0x1, IFF_LOOPBACK 0x8, IFF_POINTOPOINT 0x10, IFF_RUNNING 0x40, …).
    public var flags: UInt32
    public var mtu: UInt32

    public init(index: UInt32, name: String, kind: String? = nil, flags: UInt32 = 0, mtu: UInt32 = 0) {
        self.index = index
        self.name = name
        self.kind = kind
        self.flags = flags
        self.mtu = mtu
    }

    public var isUp: Bool { flags & IFLA.iffUp != 0 }
}

/// One address assigned to an interface.
public struct InterfaceAddress: Hashable, Sendable {
    public var interfaceIndex: UInt32
    public var cidr: CIDR

    public init(interfaceIndex: UInt32, cidr: CIDR) {
        self.interfaceIndex = interfaceIndex
        self.cidr = cidr
    }
}

/// The kernel's answer to "how would a packet to X leave?" (`ip route get X`).
public struct RouteInfo: Hashable, Sendable {
    public var interfaceIndex: UInt32
    public var interfaceName: String
    public var preferredSource: IPAddress?
    public var gateway: IPAddress?
    public var table: UInt32

    public init(interfaceIndex: UInt32, interfaceName: String, preferredSource: IPAddress? = nil,
                gateway: IPAddress? = nil, table: UInt32 = 254) {
        self.interfaceIndex = interfaceIndex
        self.interfaceName = interfaceName
        self.preferredSource = preferredSource
        self.gateway = gateway
        self.table = table
    }
}

/// Pure rtnetlink request builders and reply parsers. Sequence numbers are left 0 for the transport.
public enum RouteMessages {
    static func ifinfomsg(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) -> [UInt8] {
        // family AF_UNSPEC, pad, type (ARPHRD, u16), index (s32), flags, change
        [0, 0, 0, 0] + hostBytes(index) + hostBytes(flags) + hostBytes(change)
    }

    static func ifaddrmsg(family: UInt8 = 0, prefixLength: UInt8 = 0, index: UInt32 = 0) -> [UInt8] {
        // family, prefixlen, flags, scope (RT_SCOPE_UNIVERSE), index
        [family, prefixLength, 0, 0] + hostBytes(index)
    }

    static func rtmsg(family: UInt8, dstLength: UInt8, table: UInt8 = 0, protocol proto: UInt8 = 0,
                      scope: UInt8 = 0, type: UInt8 = 0) -> [UInt8] {
        // family, dst_len, src_len, tos, table, protocol, scope, type, flags (u32)
        [family, dstLength, 0, 0, table, proto, scope, type] + hostBytes(UInt32(0))
    }

    static let change: NetlinkFlags = [.request, .ack]

    public static func createLink(name: String, kind: String) throws -> [UInt8] {
        try validateInterfaceName(name)
        var b = NetlinkMessageBuilder(type: RTM.newLink, flags: change.union([.create, .exclusive]))
        b.putExtraHeader(ifinfomsg())
        b.putStringZ(IFLA.ifname, name)
        let info = b.beginNest(IFLA.linkinfo)
        b.putStringZ(IFLA.infoKind, kind)
        b.endNest(info)
        return b.bytes
    }

    /// A veth pair: IFLA_LINKINFO{KIND "veth", DATA{VETH_INFO_PEER{ifinfomsg, IFLA_IFNAME peer}}}.
    public static func createVethPair(name: String, peer: String) throws -> [UInt8] {
        try validateInterfaceName(name)
        try validateInterfaceName(peer)
        var b = NetlinkMessageBuilder(type: RTM.newLink, flags: change.union([.create, .exclusive]))
        b.putExtraHeader(ifinfomsg())
        b.putStringZ(IFLA.ifname, name)
        let info = b.beginNest(IFLA.linkinfo)
        b.putStringZ(IFLA.infoKind, "veth")
        let data = b.beginNest(IFLA.infoData)
        let peerNest = b.beginNest(IFLA.vethInfoPeer)
        b.putExtraHeader(ifinfomsg())
        b.putStringZ(IFLA.ifname, peer)
        b.endNest(peerNest)
        b.endNest(data)
        b.endNest(info)
        return b.bytes
    }

    public static func deleteLink(name: String) throws -> [UInt8] {
        try validateInterfaceName(name)
        var b = NetlinkMessageBuilder(type: RTM.delLink, flags: change)
        b.putExtraHeader(ifinfomsg())
        b.putStringZ(IFLA.ifname, name)
        return b.bytes
    }

    /// RTM_NEWLINK without CREATE on an existing link, addressed by name: MTU and/or IFF_UP.
    public static func setLink(name: String, mtu: UInt32?, up: Bool?) throws -> [UInt8] {
        try validateInterfaceName(name)
        var b = NetlinkMessageBuilder(type: RTM.newLink, flags: change)
        let flags: UInt32 = up == true ? IFLA.iffUp : 0
        b.putExtraHeader(ifinfomsg(flags: flags, change: up == nil ? 0 : IFLA.iffUp))
        b.putStringZ(IFLA.ifname, name)
        if let mtu { b.putU32(IFLA.mtu, mtu) }
        return b.bytes
    }

    /// Where `moveLink` sends an interface.
    public enum Namespace: Sendable {
        /// An open namespace file descriptor (`/var/run/netns/NAME`, `/proc/PID/ns/net`).
        case fileDescriptor(Int32)
        /// The network namespace of a process (e.g. a container's init).
        case process(Int32)
    }

    /// `ip link set dev NAME netns …`: RTM_NEWLINK with IFLA_NET_NS_FD or IFLA_NET_NS_PID.
    public static func moveLink(name: String, to namespace: Namespace) throws -> [UInt8] {
        try validateInterfaceName(name)
        var b = NetlinkMessageBuilder(type: RTM.newLink, flags: change)
        b.putExtraHeader(ifinfomsg())
        b.putStringZ(IFLA.ifname, name)
        switch namespace {
        case .fileDescriptor(let fd): b.putU32(IFLA.netNsFD, UInt32(bitPattern: fd))
        case .process(let pid): b.putU32(IFLA.netNsPID, UInt32(bitPattern: pid))
        }
        return b.bytes
    }

    /// RTM_GETLINK for one link by name (no dump).
    public static func getLink(name: String) throws -> [UInt8] {
        try validateInterfaceName(name)
        var b = NetlinkMessageBuilder(type: RTM.getLink, flags: change)
        b.putExtraHeader(ifinfomsg())
        b.putStringZ(IFLA.ifname, name)
        return b.bytes
    }

    /// RTM_GETLINK for one link by index (no dump).
    public static func getLink(index: UInt32) -> [UInt8] {
        var b = NetlinkMessageBuilder(type: RTM.getLink, flags: change)
        b.putExtraHeader(ifinfomsg(index: Int32(bitPattern: index)))
        return b.bytes
    }

    public static func dumpLinks() -> [UInt8] {
        var b = NetlinkMessageBuilder(type: RTM.getLink, flags: [.request, .dump])
        b.putExtraHeader(ifinfomsg())
        return b.bytes
    }

    public static func dumpAddresses() -> [UInt8] {
        var b = NetlinkMessageBuilder(type: RTM.getAddr, flags: [.request, .dump])
        b.putExtraHeader(ifaddrmsg())
        return b.bytes
    }

    /// RTM_NEWADDR / RTM_DELADDR. IPv4 carries IFA_LOCAL and IFA_ADDRESS (equal: not a point-to-point peer),
    /// IPv6 carries IFA_ADDRESS, as ip(8) does.
    public static func address(_ cidr: CIDR, interfaceIndex: UInt32, add: Bool) -> [UInt8] {
        var b = NetlinkMessageBuilder(
            type: add ? RTM.newAddr : RTM.delAddr, flags: add ? change.union([.create, .exclusive]) : change)
        b.putExtraHeader(ifaddrmsg(family: UInt8(cidr.address.family), prefixLength: UInt8(cidr.prefixLength),
                                   index: interfaceIndex))
        if case .v4 = cidr.address { b.put(IFA.local, cidr.address.bytes) }
        b.put(IFA.address, cidr.address.bytes)
        return b.bytes
    }

    /// RTM_NEWROUTE / RTM_DELROUTE for `dst` via an interface (no gateway), main table, as `ip route add X dev Y`.
    public static func route(_ dst: CIDR, interfaceIndex: UInt32, add: Bool) -> [UInt8] {
        let isV4 = dst.address.family == AF_INET
        var b = NetlinkMessageBuilder(
            type: add ? RTM.newRoute : RTM.delRoute, flags: add ? change.union([.create, .exclusive]) : change)
        // ip(8): a device route is scope link for IPv4 and universe for IPv6; deletes use scope nowhere
        // (a wildcard) and no protocol.
        let scope = add ? (isV4 ? RTA.scopeLink : RTA.scopeUniverse) : RTA.scopeNowhere
        b.putExtraHeader(rtmsg(family: UInt8(dst.address.family), dstLength: UInt8(dst.prefixLength),
                               table: RTA.tableMain, protocol: add ? RTA.protoBoot : 0, scope: scope,
                               type: add ? RTA.typeUnicast : 0))
        if dst.prefixLength > 0 { b.put(RTA.dst, dst.network.bytes) }
        b.putU32(RTA.oif, interfaceIndex)
        return b.bytes
    }

    /// RTM_GETROUTE for a host address (`ip route get X`).
    public static func getRoute(to address: IPAddress) -> [UInt8] {
        var b = NetlinkMessageBuilder(type: RTM.getRoute, flags: change)
        b.putExtraHeader(rtmsg(family: UInt8(address.family), dstLength: UInt8(address.bitWidth)))
        b.put(RTA.dst, address.bytes)
        return b.bytes
    }

    // MARK: parsers

    public static func parseLink(_ m: NetlinkMessage) throws -> Link {
        guard m.type == RTM.newLink else { throw NetlinkError.malformed("expected RTM_NEWLINK, got type \(m.type)") }
        let attrs = try m.attributes(after: IFLA.ifinfomsgLength)
        let p = m.payload[...]
        var link = Link(index: UInt32(bitPattern: readHost(Int32.self, p, at: 4)), name: "",
                        flags: readHost(UInt32.self, p, at: 8))
        guard let name = attrs.first(IFLA.ifname) else {
            throw NetlinkError.malformed("RTM_NEWLINK for index \(link.index) without IFLA_IFNAME")
        }
        link.name = name.string()
        if let mtu = attrs.first(IFLA.mtu) { link.mtu = try mtu.u32() }
        if let info = attrs.first(IFLA.linkinfo), let kind = try info.nested().first(IFLA.infoKind) {
            link.kind = kind.string()
        }
        return link
    }

    /// nil for address families other than IPv4/IPv6.
    public static func parseAddress(_ m: NetlinkMessage) throws -> InterfaceAddress? {
        guard m.type == RTM.newAddr else { throw NetlinkError.malformed("expected RTM_NEWADDR, got type \(m.type)") }
        let attrs = try m.attributes(after: IFA.ifaddrmsgLength)
        let family = Int32(m.payload[0])
        let prefix = Int(m.payload[1])
        let index = readHost(UInt32.self, m.payload[...], at: 4)
        // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours when present.
        guard let attr = attrs.first(IFA.local) ?? attrs.first(IFA.address) else { return nil }
        guard let ip = try ipAddress(family: family, attr), prefix <= ip.bitWidth else { return nil }
        return InterfaceAddress(interfaceIndex: index, cidr: CIDR(address: ip, prefixLength: prefix))
    }

    /// The RTM_NEWROUTE answer to getRoute; the interface name is filled in by the caller.
    public static func parseRoute(_ m: NetlinkMessage) throws -> RouteInfo {
        guard m.type == RTM.newRoute else { throw NetlinkError.malformed("expected RTM_NEWROUTE, got type \(m.type)") }
        let attrs = try m.attributes(after: RTA.rtmsgLength)
        let family = Int32(m.payload[0])
        guard let oif = attrs.first(RTA.oif) else { throw NetlinkError.malformed("route reply without RTA_OIF") }
        var info = RouteInfo(interfaceIndex: try oif.u32(), interfaceName: "", table: UInt32(m.payload[4]))
        if let t = attrs.first(RTA.table) { info.table = try t.u32() }
        if let a = attrs.first(RTA.prefsrc) { info.preferredSource = try ipAddress(family: family, a) }
        if let a = attrs.first(RTA.gateway) { info.gateway = try ipAddress(family: family, a) }
        return info
    }

    static func ipAddress(family: Int32, _ attr: NetlinkAttribute) throws -> IPAddress? {
        switch family {
        case AF_INET: return .v4(try attr.bytes(count: 4))
        case AF_INET6: return .v6(try attr.bytes(count: 16))
        default: return nil
        }
    }
}
