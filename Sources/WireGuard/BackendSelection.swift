import Netlink

/// Which implementation runs an interface.
public enum BackendChoice: String, Sendable, CaseIterable {
    /// wg(8)'s order for existing interfaces; kernel first (wireguard-go if the module is missing) for new ones.
    case auto
    case kernel
    case userspace
}

extension UserspaceBackend {
    /// wg(8)'s probe for an existing interface: a live UAPI socket means userspace, otherwise the kernel.
    public static func backend(for interface: String, userspace: UserspaceBackend = UserspaceBackend())
        -> any WireGuardBackend
    {
        userspace.isLive(interface) ? userspace : KernelBackend()
    }
}
