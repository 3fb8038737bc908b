import Glibc
import Sockets
import TestSupport
import Testing

@testable import Netlink

/// Real rtnetlink/genl against the running kernel, each test in its own network namespace.
@Suite(.enabled(if: canUseKernel, "needs root for network namespaces"))
struct KernelRouteTests {
    @Test func vethLifecycleAndLinkKinds() throws {
        try inFreshNamespace {
            let rt = try RouteNetlink()
            try rt.createVethPair(name: "sgl0", peer: "sgl1")
            let links = try rt.links()
            #expect(links.first { $0.name == "lo" }?.kind == nil)
            #expect(links.first { $0.name == "sgl0" }?.kind == "veth")
            #expect(links.first { $0.name == "sgl1" }?.kind == "veth")

            try rt.setLink(name: "sgl0", mtu: 1400, up: true)
            let up = try rt.link(named: "sgl0")
            #expect(up.mtu == 1400)
            #expect(up.isUp)
            try rt.setLink(name: "sgl0", up: false)
            #expect(try rt.link(named: "sgl0").isUp == false)
            #expect(try rt.link(named: "sgl0").mtu == 1400)

            let again = #expect(throws: NetlinkError.self) { try rt.createVethPair(name: "sgl0", peer: "sgl2") }
            #expect(again?.code == .exists)

            try rt.deleteLink(name: "sgl0")  // takes the peer with it
            #expect(try rt.links().contains { $0.name.hasPrefix("sgl") } == false)
            let gone = #expect(throws: NetlinkError.self) { try rt.link(named: "sgl0") }
            #expect(gone?.code == .noSuchInterface)
            #expect(gone?.description == "no such interface `sgl0`")
            let gone2 = #expect(throws: NetlinkError.self) { try rt.deleteLink(name: "sgl1") }
            #expect(gone2?.code == .noSuchInterface)
        }
    }

    @Test func addressesRoutesAndRouteLookup() throws {
        try inFreshNamespace {
            let rt = try RouteNetlink()
            try rt.createVethPair(name: "sga", peer: "sgb")
            try rt.setLink(name: "sga", up: true)
            try rt.setLink(name: "sgb", up: true)
            let a = try rt.link(named: "sga").index
            let b = try rt.link(named: "sgb").index

            try rt.addAddress(CIDR("10.77.0.1/24")!, interface: "sga")
            try rt.addAddress(CIDR("fd77::1/64")!, interface: "sga")
            try rt.addAddress(CIDR("10.78.0.1/24")!, interface: "sgb")
            let addrs = try rt.addresses()
            #expect(addrs.contains(InterfaceAddress(interfaceIndex: a, cidr: CIDR("10.77.0.1/24")!)))
            #expect(addrs.contains(InterfaceAddress(interfaceIndex: a, cidr: CIDR("fd77::1/64")!)))
            #expect(addrs.contains(InterfaceAddress(interfaceIndex: b, cidr: CIDR("10.78.0.1/24")!)))
            let dup = #expect(throws: NetlinkError.self) { try rt.addAddress(CIDR("10.77.0.1/24")!, interface: "sga") }
            #expect(dup?.code == .exists)

            // The connected /24 decides the interface and the source address.
            let viaA = try rt.route(to: IPAddress("10.77.0.9")!)
            #expect(viaA.interfaceName == "sga")
            #expect(viaA.interfaceIndex == a)
            #expect(viaA.preferredSource == IPAddress("10.77.0.1"))
            #expect(try rt.route(to: IPAddress("10.78.0.200")!).interfaceName == "sgb")
            #expect(try rt.route(to: IPAddress("fd77::42")!).interfaceName == "sga")

            // A device route for another prefix, added the way wg-quick adds peer routes.
            let unreachable = #expect(throws: NetlinkError.self) { try rt.route(to: IPAddress("10.99.1.1")!) }
            #expect(unreachable?.code == .unreachable)
            try rt.addRoute(CIDR("10.99.0.0/16")!, interface: "sgb")
            #expect(try rt.route(to: IPAddress("10.99.1.1")!).interfaceName == "sgb")
            let exists = #expect(throws: NetlinkError.self) { try rt.addRoute(CIDR("10.99.0.0/16")!, interface: "sgb") }
            #expect(exists?.code == .exists)
            try rt.addRoute(CIDR("10.99.0.0/16")!, interface: "sgb", tolerateExisting: true)
            try rt.addRoute(CIDR("fd99::/48")!, interface: "sgb")
            #expect(try rt.route(to: IPAddress("fd99::1")!).interfaceName == "sgb")

            try rt.deleteRoute(CIDR("10.99.0.0/16")!, interface: "sgb")
            #expect(throws: NetlinkError(.unreachable, "")) { try rt.route(to: IPAddress("10.99.1.1")!) }
            let noRoute = #expect(throws: NetlinkError.self) {
                try rt.deleteRoute(CIDR("10.99.0.0/16")!, interface: "sgb")
            }
            #expect(noRoute?.code == .notFound)

            try rt.deleteAddress(CIDR("10.77.0.1/24")!, interface: "sga")
            #expect(try rt.addresses().contains { $0.cidr == CIDR("10.77.0.1/24")! } == false)
            let noAddr = #expect(throws: NetlinkError.self) {
                try rt.deleteAddress(CIDR("10.77.0.1/24")!, interface: "sga")
            }
            #expect(noAddr?.code == .notFound)
            let noIf = #expect(throws: NetlinkError.self) {
                try rt.addAddress(CIDR("10.1.1.1/32")!, interface: "nope0")
            }
            #expect(noIf?.description == "no such interface `nope0`")
        }
    }

    @Test func moveLinkIntoAnotherNamespace() throws {
        let target = "sigil-nl-\(UInt32.random(in: 0...UInt32.max))"
        let (status, output) = try run("/usr/sbin/ip", ["netns", "add", target])
        try #require(status == 0, "ip netns add: \(output)")
        defer { _ = try? run("/usr/sbin/ip", ["netns", "delete", target]) }
        let path = "/var/run/netns/\(target)"
        try inFreshNamespace {
            let rt = try RouteNetlink()
            try rt.createVethPair(name: "mv0", peer: "mv1")
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            try #require(fd >= 0)
            defer { close(fd) }
            try rt.moveLink(name: "mv1", to: .fileDescriptor(fd))
            #expect(try rt.links().contains { $0.name == "mv1" } == false)
            #expect(try rt.link(named: "mv0").kind == "veth")
            // Look while mv0's namespace still exists: deleting it takes both ends of the pair with it.
            let moved = try NetworkNamespace.run(path: path) { try RouteNetlink().link(named: "mv1") }
            #expect(moved.kind == "veth")
        }
    }

    @Test func wireGuardLinkKindReportsTheMissingModule() throws {
        let hasModule = kernelHasWireGuard
        try inFreshNamespace {
            let rt = try RouteNetlink()
            if hasModule {
                try rt.createLink(name: "wgt0", kind: "wireguard")
                #expect(try rt.link(named: "wgt0").kind == "wireguard")
                try rt.deleteLink(name: "wgt0")
            } else {
                let e = #expect(throws: NetlinkError.self) { try rt.createLink(name: "wgt0", kind: "wireguard") }
                #expect(e?.code == .unknownLinkKind)
                #expect(e?.errno == EOPNOTSUPP)
                #expect(e?.extAck == "Unknown device type")
                #expect(e?.description.contains("the kernel has no WireGuard module") == true)
            }
        }
    }

    @Test func genericFamilyResolution() throws {
        let hasModule = kernelHasWireGuard
        try inFreshNamespace {
            let genl = try GenericNetlink()
            #expect(try genl.resolveFamily("nlctrl") == 0x10)  // the controller resolves itself
            if hasModule {
                #expect(try genl.resolveFamily("wireguard") >= 0x10)
            } else {
                let e = #expect(throws: NetlinkError.self) { try genl.resolveFamily("wireguard") }
                #expect(e?.code == .familyNotFound)
            }
            #expect(throws: NetlinkError(.familyNotFound, "")) { try genl.resolveFamily("sigilnofamily") }
        }
    }

    @Test func largeDumpSpansSeveralDatagrams() throws {
        // 40 veth pairs = 81 links: more than one recvfrom datagram, so multi-part reading is exercised.
        try inFreshNamespace {
            let rt = try RouteNetlink()
            for i in 0..<40 { try rt.createVethPair(name: "sd\(i)a", peer: "sd\(i)b") }
            let names = Set(try rt.links().map(\.name))
            #expect(names.count == 81)
            for i in 0..<40 { #expect(names.contains("sd\(i)a") && names.contains("sd\(i)b")) }
        }
    }
}

/// Capabilities are per thread on Linux: dropping CAP_NET_ADMIN from the namespace thread's effective set
/// makes the kernel answer EPERM for real, without touching the rest of the test process.
@Suite(.enabled(if: canUseKernel, "needs root for network namespaces"))
struct KernelPermissionTests {
    typealias CapFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int32

    static func dropNetAdmin() throws {
        let capget = unsafeBitCast(try #require(dlsym(nil, "capget")), to: CapFunction.self)
        let capset = unsafeBitCast(try #require(dlsym(nil, "capset")), to: CapFunction.self)
        // struct __user_cap_header_struct { u32 version (_LINUX_CAPABILITY_VERSION_3); int pid (0 = this thread) }
        var header: [UInt32] = [0x2008_0522, 0]
        // two struct __user_cap_data_struct { u32 effective, permitted, inheritable }
        var data = [UInt32](repeating: 0, count: 6)
        try header.withUnsafeMutableBytes { h in
            try data.withUnsafeMutableBytes { d in
                try #require(capget(h.baseAddress!, d.baseAddress!) == 0)
            }
        }
        data[0] &= ~(UInt32(1) << 12)  // CAP_NET_ADMIN out of the effective set
        try header.withUnsafeMutableBytes { h in
            try data.withUnsafeMutableBytes { d in
                try #require(capset(h.baseAddress!, d.baseAddress!) == 0)
            }
        }
    }

    @Test func withoutNetAdminTheKernelSaysEPERM() throws {
        try inFreshNamespace {
            try Self.dropNetAdmin()
            let rt = try RouteNetlink()
            #expect(try rt.links().contains { $0.name == "lo" })  // reading needs no capability
            let e = #expect(throws: NetlinkError.self) { try rt.createVethPair(name: "np0", peer: "np1") }
            #expect(e?.code == .permissionDenied)
            #expect(e?.errno == EPERM)
            #expect(e?.description == "create veth pair `np0`/`np1`: operation not permitted: Sigil needs "
                + "CAP_NET_ADMIN (run as root or add cap_add: NET_ADMIN)")
            let up = #expect(throws: NetlinkError.self) { try rt.setLink(name: "lo", up: true) }
            #expect(up?.code == .permissionDenied)
        }
    }
}
