import Glibc
import Netlink

/// The in-kernel WireGuard (genl family `wireguard`), configured over generic netlink.
///
/// Errors are `NetlinkError`s: `.familyNotFound` when the module is missing (use wireguard-go instead),
/// `.noSuchInterface`, `.notSupported` for an interface that is not a kernel WireGuard device,
/// `.permissionDenied` without CAP_NET_ADMIN.
public struct KernelBackend: WireGuardBackend {
    public let name = "kernel"
    let openTransport: @Sendable () throws -> any NetlinkTransport
    let bufferSize: Int

    /// Each call opens its own NETLINK_GENERIC socket in the calling thread's network namespace.
    public init() {
        openTransport = { try MnlSocket(.generic) }
        bufferSize = idealBufferSize()
    }

    init(bufferSize: Int = 4096, transport: @escaping @Sendable () throws -> any NetlinkTransport) {
        openTransport = transport
        self.bufferSize = bufferSize
    }

    /// True when the kernel has the WireGuard module (the genl family resolves).
    public static func isAvailable() -> Bool {
        (try? GenericNetlink().resolveFamily(WG.familyName)) != nil
    }

    public func device(named name: String) throws -> Device {
        try validateInterfaceName(name)
        let transport = try openTransport()
        let family = try GenericNetlink(transport: transport).resolveFamily(WG.familyName)
        let request = try WireGuardSetMessages.get(interface: name, familyID: family)
        let replies = try mapped("read WireGuard device `\(name)`", name) { try transport.dump(request) }
        return try WireGuardDeviceParser.parse(replies)
    }

    public func configure(_ name: String, _ config: DeviceConfig) throws {
        let transport = try openTransport()
        let family = try GenericNetlink(transport: transport).resolveFamily(WG.familyName)
        let messages = try WireGuardSetMessages.build(interface: name, config: config, familyID: family,
                                                      bufferSize: bufferSize)
        for (i, message) in messages.enumerated() {
            let part = messages.count > 1 ? " (part \(i + 1) of \(messages.count))" : ""
            _ = try mapped("configure WireGuard device `\(name)`\(part)", name) { try transport.exchange(message) }
        }
    }

    private func mapped<T>(_ operation: String, _ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as NetlinkError where e.errno != 0 && e.code != .socket {
            if e.errno == EOPNOTSUPP {
                throw NetlinkError(
                    .notSupported,
                    "\(operation): `\(name)` is not a kernel WireGuard interface (a wireguard-go interface is "
                        + "configured through its UAPI socket)", errno: e.errno, extAck: e.extAck)
            }
            throw NetlinkError.kernel(errno: e.errno, extAck: e.extAck,
                                      context: NetlinkContext(operation, interface: name))
        }
    }
}

/// wg(8)'s `mnl_ideal_socket_buffer_size()`: the page size, capped at 8192.
func idealBufferSize() -> Int {
    min(Int(sysconf(Int32(_SC_PAGESIZE))), 8192)
}
