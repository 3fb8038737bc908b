// Numbers of the `wireguard` generic netlink family (include/uapi/linux/wireguard.h; checked against
// vectors/wireguard/uapi-constants.json). WGALLOWEDIP_A_FLAGS (4) exists only in 2025+ kernels and is
// never sent: older kernels reject unknown nested attributes with EINVAL.
enum WG {
    static let familyName = "wireguard"
    static let version: UInt8 = 1
    static let keyLength = 32
    static let cmdGetDevice: UInt8 = 0
    static let cmdSetDevice: UInt8 = 1

    enum Device {
        static let ifindex: UInt16 = 1
        static let ifname: UInt16 = 2
        static let privateKey: UInt16 = 3
        static let publicKey: UInt16 = 4
        static let flags: UInt16 = 5
        static let listenPort: UInt16 = 6
        static let fwmark: UInt16 = 7
        static let peers: UInt16 = 8
        static let replacePeers: UInt32 = 1 << 0
    }

    enum Peer {
        static let publicKey: UInt16 = 1
        static let presharedKey: UInt16 = 2
        static let flags: UInt16 = 3
        static let endpoint: UInt16 = 4
        static let persistentKeepalive: UInt16 = 5
        static let lastHandshakeTime: UInt16 = 6
        static let rxBytes: UInt16 = 7
        static let txBytes: UInt16 = 8
        static let allowedIPs: UInt16 = 9
        static let protocolVersion: UInt16 = 10
        static let removeMe: UInt32 = 1 << 0
        static let replaceAllowedIPs: UInt32 = 1 << 1
        static let updateOnly: UInt32 = 1 << 2
    }

    enum AllowedIP {
        static let family: UInt16 = 1
        static let ipAddress: UInt16 = 2
        static let cidrMask: UInt16 = 3
    }

    /// Array elements (each peer, each allowed IP) are nests of type 0, as the kernel and wg(8) use.
    static let arrayElement: UInt16 = 0
}
