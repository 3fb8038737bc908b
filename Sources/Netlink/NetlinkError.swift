import Glibc

/// Every failure of the netlink layer, with a one-line reason an operator can act on.
public struct NetlinkError: Error, Hashable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// EPERM/EACCES: the process lacks CAP_NET_ADMIN.
        case permissionDenied
        /// CTRL_CMD_GETFAMILY answered ENOENT: the family's module is not loaded (fall back to userspace).
        case familyNotFound
        /// RTM_NEWLINK answered "Unknown device type": the link kind's module is not loaded.
        case unknownLinkKind
        case noSuchInterface
        case exists
        case notFound
        case notSupported
        case unreachable
        case invalidName
        case messageTooLarge
        case malformedReply
        case dumpInterrupted
        case socket
        case kernel
    }

    public let code: Code
    public let reason: String
    /// The positive errno the kernel (or a syscall) reported, 0 when the failure is ours.
    public let errno: Int32
    /// The kernel's extended-ack message (`NLMSGERR_ATTR_MSG`), when it sent one.
    public let extAck: String?

    public init(_ code: Code, _ reason: String, errno: Int32 = 0, extAck: String? = nil) {
        self.code = code
        self.reason = reason
        self.errno = errno
        self.extAck = extAck
    }

    public var description: String { reason }

    public static func == (a: NetlinkError, b: NetlinkError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// What a request was about, so a bare errno can become a sentence that names the input.
public struct NetlinkContext: Sendable {
    public var operation: String
    public var interface: String?
    public var family: String?
    public var linkKind: String?

    public init(_ operation: String, interface: String? = nil, family: String? = nil, linkKind: String? = nil) {
        self.operation = operation
        self.interface = interface
        self.family = family
        self.linkKind = linkKind
    }
}

extension NetlinkError {
    static func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The error as the transport sees it, before a caller adds context.
    @inline(never) static func kernel(errno code: Int32, extAck: String?) -> NetlinkError {
        kernel(errno: code, extAck: extAck, context: NetlinkContext("netlink request"))
    }

    /// Maps a kernel errno (positive) plus ext-ack text to an operator-readable error.
    @inline(never) public static func kernel(errno code: Int32, extAck: String?, context: NetlinkContext)
        -> NetlinkError
    {
        let op = context.operation
        let ack = extAck.map { $0.isEmpty ? "" : " (kernel says: \($0))" } ?? ""
        let ifname = context.interface.map { "`\($0)`" } ?? "the interface"
        switch code {
        case EPERM, EACCES:
            return NetlinkError(
                .permissionDenied,
                "\(op): operation not permitted: Sigil needs CAP_NET_ADMIN (run as root or add cap_add: NET_ADMIN)"
                    + ack, errno: code, extAck: extAck)
        case ENOENT where context.family != nil:
            let family = context.family!
            if family == "wireguard" {
                return NetlinkError(
                    .familyNotFound,
                    "the kernel has no WireGuard module (genl family `wireguard` not found); "
                        + "Sigil will use wireguard-go", errno: code, extAck: extAck)
            }
            return NetlinkError(
                .familyNotFound, "generic netlink family `\(family)` not found (is its kernel module loaded?)",
                errno: code, extAck: extAck)
        case EOPNOTSUPP where context.linkKind != nil || (extAck ?? "").contains("Unknown device type"):
            let kind = context.linkKind ?? "?"
            if kind == "wireguard" {
                return NetlinkError(
                    .unknownLinkKind,
                    "the kernel has no WireGuard module (link kind `wireguard` unknown: "
                        + "\(extAck ?? "Unknown device type")); Sigil will use wireguard-go",
                    errno: code, extAck: extAck)
            }
            return NetlinkError(
                .unknownLinkKind, "\(op): the kernel does not know link kind `\(kind)` (is its module loaded?)" + ack,
                errno: code, extAck: extAck)
        case ENODEV:
            return NetlinkError(.noSuchInterface, "no such interface \(ifname)" + ack, errno: code, extAck: extAck)
        case EEXIST:
            return NetlinkError(.exists, "\(op): already exists" + ack, errno: code, extAck: extAck)
        case ENOENT, ESRCH, EADDRNOTAVAIL:
            return NetlinkError(.notFound, "\(op): not found (\(errnoText(code)))" + ack, errno: code, extAck: extAck)
        case EOPNOTSUPP:
            return NetlinkError(.notSupported, "\(op): not supported" + ack, errno: code, extAck: extAck)
        case ENETUNREACH, EHOSTUNREACH:
            return NetlinkError(.unreachable, "\(op): no route (\(errnoText(code)))" + ack, errno: code, extAck: extAck)
        default:
            return NetlinkError(.kernel, "\(op): \(errnoText(code))" + ack, errno: code, extAck: extAck)
        }
    }

    /// Re-maps a kernel error from the transport with the caller's context; other errors pass through.
    static func adding(_ context: NetlinkContext, to error: any Error) -> any Error {
        guard let e = error as? NetlinkError, e.errno != 0, e.code != .socket else { return error }
        return kernel(errno: e.errno, extAck: e.extAck, context: context)
    }

    @inline(never) static func invalidName(_ name: String, _ why: String) -> NetlinkError {
        NetlinkError(.invalidName, "invalid interface name `\(name)`: \(why) (use 1-15 characters, no `/` or spaces)")
    }

    @inline(never) public static func malformed(_ what: String) -> NetlinkError {
        NetlinkError(.malformedReply, "malformed netlink reply: \(what)")
    }

    @inline(never) public static func tooLarge(_ what: String) -> NetlinkError {
        NetlinkError(.messageTooLarge, "netlink message too large: \(what)")
    }

    @inline(never) static func dumpInterrupted() -> NetlinkError {
        NetlinkError(.dumpInterrupted, "netlink dump was interrupted by a concurrent change (NLM_F_DUMP_INTR); retry")
    }

    @inline(never) static func socket(_ what: String, errno code: Int32) -> NetlinkError {
        NetlinkError(.socket, "netlink socket \(what): \(errnoText(code))", errno: code)
    }
}

/// Runs `body`, re-mapping kernel errors with `context`.
func withContext<T>(_ context: NetlinkContext, _ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw NetlinkError.adding(context, to: error) }
}

/// Checks an interface name the way the kernel's `dev_valid_name` does, before any bytes are built.
public func validateInterfaceName(_ name: String) throws {
    let bytes = Array(name.utf8)
    if bytes.isEmpty { throw NetlinkError.invalidName(name, "empty") }
    if bytes.count >= NL.ifNameSize {
        throw NetlinkError.invalidName(name, "\(bytes.count) bytes, the kernel allows at most \(NL.ifNameSize - 1)")
    }
    if name == "." || name == ".." { throw NetlinkError.invalidName(name, "reserved name") }
    if bytes.contains(where: { $0 == 0x2F || $0 == 0x3A || $0 <= 0x20 || $0 == 0x7F }) {
        throw NetlinkError.invalidName(name, "contains `/`, `:`, whitespace or a control character")
    }
}
