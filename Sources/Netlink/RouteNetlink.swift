import Sockets

/// rtnetlink operations wg-quick performs with ip(8): links, addresses, routes, route lookup.
public struct RouteNetlink {
    let transport: any NetlinkTransport

    /// Over a fresh NETLINK_ROUTE socket in the calling thread's network namespace.
    public init() throws { transport = try MnlSocket(.route) }

    public init(transport: any NetlinkTransport) { self.transport = transport }

    /// `ip link add dev NAME type KIND`.
    public func createLink(name: String, kind: String) throws {
        let request = try RouteMessages.createLink(name: name, kind: kind)
        try withContext(NetlinkContext("create interface `\(name)` of kind `\(kind)`", interface: name,
                                       linkKind: kind)) { _ = try transport.exchange(request) }
    }

    /// `ip link add dev NAME type veth peer name PEER`.
    public func createVethPair(name: String, peer: String) throws {
        let request = try RouteMessages.createVethPair(name: name, peer: peer)
        try withContext(NetlinkContext("create veth pair `\(name)`/`\(peer)`", interface: name, linkKind: "veth")) {
            _ = try transport.exchange(request)
        }
    }

    /// `ip link delete dev NAME`.
    public func deleteLink(name: String) throws {
        let request = try RouteMessages.deleteLink(name: name)
        try withContext(NetlinkContext("delete interface `\(name)`", interface: name)) {
            _ = try transport.exchange(request)
        }
    }

    /// `ip link set dev NAME [mtu N] [up|down]`.
    public func setLink(name: String, mtu: UInt32? = nil, up: Bool? = nil) throws {
        let request = try RouteMessages.setLink(name: name, mtu: mtu, up: up)
        let what = [mtu.map { "mtu \($0)" }, up.map { $0 ? "up" : "down" }].compactMap { $0 }.joined(separator: " ")
        try withContext(NetlinkContext("set interface `\(name)` \(what)", interface: name)) {
            _ = try transport.exchange(request)
        }
    }

    /// `ip link set dev NAME netns …`: moves an interface (e.g. wg0 created on the host, so its UDP socket
    /// stays there) into another network namespace.
    public func moveLink(name: String, to namespace: RouteMessages.Namespace) throws {
        let request = try RouteMessages.moveLink(name: name, to: namespace)
        try withContext(NetlinkContext("move interface `\(name)` to another network namespace", interface: name)) {
            _ = try transport.exchange(request)
        }
    }

    /// One link by name; `.noSuchInterface` if absent.
    public func link(named name: String) throws -> Link {
        let request = try RouteMessages.getLink(name: name)
        return try withContext(NetlinkContext("look up interface `\(name)`", interface: name)) {
            guard let m = try transport.exchange(request).first else {
                throw NetlinkError.malformed("no RTM_NEWLINK for `\(name)`")
            }
            return try RouteMessages.parseLink(m)
        }
    }

    public func link(index: UInt32) throws -> Link {
        try withContext(NetlinkContext("look up interface index \(index)", interface: "#\(index)")) {
            guard let m = try transport.exchange(RouteMessages.getLink(index: index)).first else {
                throw NetlinkError.malformed("no RTM_NEWLINK for index \(index)")
            }
            return try RouteMessages.parseLink(m)
        }
    }

    /// All links (`ip -d link`).
    public func links() throws -> [Link] {
        try withContext(NetlinkContext("list interfaces")) {
            try transport.dump(RouteMessages.dumpLinks()).map(RouteMessages.parseLink)
        }
    }

    /// All IPv4/IPv6 addresses (`ip addr`).
    public func addresses() throws -> [InterfaceAddress] {
        try withContext(NetlinkContext("list addresses")) {
            try transport.dump(RouteMessages.dumpAddresses()).compactMap(RouteMessages.parseAddress)
        }
    }

    /// `ip address add CIDR dev NAME`.
    public func addAddress(_ cidr: CIDR, interface name: String) throws {
        let index = try link(named: name).index
        try withContext(NetlinkContext("add address \(cidr) to `\(name)`", interface: name)) {
            _ = try transport.exchange(RouteMessages.address(cidr, interfaceIndex: index, add: true))
        }
    }

    /// `ip address del CIDR dev NAME`.
    public func deleteAddress(_ cidr: CIDR, interface name: String) throws {
        let index = try link(named: name).index
        try withContext(NetlinkContext("delete address \(cidr) from `\(name)`", interface: name)) {
            _ = try transport.exchange(RouteMessages.address(cidr, interfaceIndex: index, add: false))
        }
    }

    /// `ip route add DST dev NAME`; with `tolerateExisting` an identical existing route is success.
    public func addRoute(_ dst: CIDR, interface name: String, tolerateExisting: Bool = false) throws {
        let index = try link(named: name).index
        do {
            try withContext(NetlinkContext("add route \(dst) dev `\(name)`", interface: name)) {
                _ = try transport.exchange(RouteMessages.route(dst, interfaceIndex: index, add: true))
            }
        } catch let e as NetlinkError where e.code == .exists && tolerateExisting {
            return
        }
    }

    /// `ip route del DST dev NAME`.
    public func deleteRoute(_ dst: CIDR, interface name: String) throws {
        let index = try link(named: name).index
        try withContext(NetlinkContext("delete route \(dst) dev `\(name)`", interface: name)) {
            _ = try transport.exchange(RouteMessages.route(dst, interfaceIndex: index, add: false))
        }
    }

    /// `ip route get ADDRESS`: the interface (and source address) a packet to `address` would use.
    public func route(to address: IPAddress) throws -> RouteInfo {
        var info = try withContext(NetlinkContext("look up the route to \(address)")) {
            guard let m = try transport.exchange(RouteMessages.getRoute(to: address)).first else {
                throw NetlinkError.malformed("no RTM_NEWROUTE for \(address)")
            }
            return try RouteMessages.parseRoute(m)
        }
        info.interfaceName = try link(index: info.interfaceIndex).name
        return info
    }
}
