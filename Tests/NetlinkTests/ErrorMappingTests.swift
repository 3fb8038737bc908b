import Glibc
import Testing

@testable import Netlink

@Suite struct ErrorMappingTests {
    @Test func permissionNamesTheCapability() {
        let e = NetlinkError.kernel(errno: EPERM, extAck: nil, context: NetlinkContext("create interface `wg0`"))
        #expect(e.code == .permissionDenied)
        #expect(e.description == "create interface `wg0`: operation not permitted: Sigil needs CAP_NET_ADMIN "
            + "(run as root or add cap_add: NET_ADMIN)")
        #expect(NetlinkError.kernel(errno: EACCES, extAck: nil, context: NetlinkContext("x")).code
            == .permissionDenied)
    }

    @Test func noSuchDeviceQuotesTheName() {
        let e = NetlinkError.kernel(errno: ENODEV, extAck: nil, context: NetlinkContext("x", interface: "wg7"))
        #expect(e.code == .noSuchInterface)
        #expect(e.description == "no such interface `wg7`")
    }

    @Test func unknownLinkKindWithoutWireGuard() {
        let e = NetlinkError.kernel(errno: EOPNOTSUPP, extAck: "Unknown device type",
                                    context: NetlinkContext("create interface `b0`", linkKind: "bond"))
        #expect(e.code == .unknownLinkKind)
        #expect(e.description.contains("link kind `bond`"))
        #expect(e.description.contains("Unknown device type"))
    }

    @Test func existsAndOthersKeepTheExtAck() {
        let e = NetlinkError.kernel(errno: EEXIST, extAck: "route exists", context: NetlinkContext("add route"))
        #expect(e.code == .exists)
        #expect(e.description == "add route: already exists (kernel says: route exists)")
        let other = NetlinkError.kernel(errno: EINVAL, extAck: nil, context: NetlinkContext("add route"))
        #expect(other.code == .kernel)
        #expect(other.description == "add route: Invalid argument")
    }

    @Test func genericFamilyNotFoundNamesTheFamily() {
        let e = NetlinkError.kernel(errno: ENOENT, extAck: nil, context: NetlinkContext("x", family: "foo"))
        #expect(e.code == .familyNotFound)
        #expect(e.description.contains("`foo`"))
    }

    @Test func equalityIsOnTheCodeOnly() {
        #expect(NetlinkError(.exists, "a") == NetlinkError(.exists, "b"))
        #expect(NetlinkError(.exists, "a") != NetlinkError(.notFound, "a"))
    }
}
