import Glibc
import Netlink
import Sockets

/// `sigil tunnel up|down|show|wait-handshake`: wg-quick's job over rtnetlink, genl and the UAPI socket.
/// Every step compares with the live state first, so running `up` twice changes nothing the second time.
public struct Tunnel {
    public let config: TunnelConfig
    public var userspace = UserspaceBackend()

    public init(config: TunnelConfig) {
        self.config = config
    }

    /// Brings the interface to the config's state; returns one line per change made.
    @discardableResult
    public func up(backend choice: BackendChoice = .auto) throws -> [String] {
        if let refusal = TunnelPlan.unsupported(config) { throw refusal }
        let name = config.name
        let rt = try RouteNetlink()
        guard let existing = try rt.links().first(where: { $0.name == name }) else {
            let backend = try create(choice, rt)
            do {
                return try apply(backend, rt, link: try rt.link(named: name),
                                 report: ["created \(name) (\(backend.name))"])
            } catch {
                // Like wg-quick's cleanup trap: a link this run created is not left half-configured.
                _ = try? Self.down(interface: name, userspace: userspace)
                throw error
            }
        }
        let backend = try Self.liveBackend(existing, userspace: userspace)
        if choice != .auto, (backend is UserspaceBackend) != (choice == .userspace) {
            throw WireGuardError(code: .unsupported, reason: "\(name) already runs on the \(backend.name) "
                + "backend; run `sigil tunnel down` first to switch to \(choice.rawValue)")
        }
        return try apply(backend, rt, link: existing, report: [])
    }

    func apply(_ backend: any WireGuardBackend, _ rt: RouteNetlink, link: Link, report: [String]) throws -> [String] {
        let name = config.name
        var report = report
        let desired = try config.deviceConfig
        let changes = desired.changes(from: try backend.device(named: name))
        if !changes.isEmpty {
            try backend.configure(name, changes)
            report.append(Self.describe(changes))
        }

        let index = link.index
        let liveAddresses = try rt.addresses().filter { $0.interfaceIndex == index }.map(\.cidr)
        for a in TunnelPlan.missingAddresses(config.addresses, live: liveAddresses) {
            try rt.addAddress(a, interface: name)
            report.append("address \(a)")
        }
        let endpointMTUs = config.mtu != nil ? [] : config.peers.compactMap { peer -> UInt32? in
            guard let ip = peer.endpoint.flatMap({ IPAddress($0.host) }), let via = try? rt.route(to: ip),
                  via.interfaceName != name else { return nil }
            return try? rt.link(index: via.interfaceIndex).mtu
        }
        let mtu = TunnelPlan.mtu(explicit: config.mtu, endpointLinkMTUs: endpointMTUs)
        let current = try rt.link(named: name)
        if current.mtu != mtu || !current.isUp {
            try rt.setLink(name: name, mtu: mtu, up: true)
            report.append("mtu \(mtu), up")
        }
        if config.table == .auto {
            let connected = try rt.addresses().filter { $0.interfaceIndex == index }.map(\.cidr)
            for r in TunnelPlan.routes(allowed: config.peers.flatMap(\.allowedIPs), connected: connected) {
                if let via = try? rt.route(to: r.address), via.interfaceName == name { continue }
                try rt.addRoute(r, interface: name, tolerateExisting: true)
                report.append("route \(r) dev \(name)")
            }
        }
        return report
    }

    /// Creates the link: kernel when asked or available, else wireguard-go.
    func create(_ choice: BackendChoice, _ rt: RouteNetlink) throws -> any WireGuardBackend {
        let name = config.name
        if choice == .userspace || (choice == .auto && !KernelBackend.isAvailable()) {
            try userspace.start(name)
            return userspace
        }
        do {
            try rt.createLink(name: name, kind: "wireguard")
            return KernelBackend()
        } catch let e as NetlinkError where e.code == .unknownLinkKind {
            if choice == .auto {
                try userspace.start(name)
                return userspace
            }
            throw WireGuardError(code: .kernelUnavailable, reason: "cannot create \(name) as a kernel WireGuard "
                + "interface: this kernel has no WireGuard module (link kind `wireguard` unknown); "
                + "run `modprobe wireguard`, or use `--backend userspace` (wireguard-go)")
        }
    }

    /// wg(8)'s rule for an existing link: live UAPI socket → userspace; kind wireguard → kernel.
    static func liveBackend(_ link: Link, userspace: UserspaceBackend) throws -> any WireGuardBackend {
        if userspace.isLive(link.name) { return userspace }
        if link.kind == "wireguard" { return KernelBackend() }
        throw WireGuardError(code: .unsupported, reason: "interface \(link.name) exists but is not WireGuard (kind "
            + "\(link.kind ?? "none"), no live socket \(userspace.socketPath(link.name))); pick another name "
            + "or delete it")
    }

    static func describe(_ c: DeviceConfig) -> String {
        var parts = [String]()
        if c.privateKey != nil { parts.append("private key") }
        if let p = c.listenPort { parts.append("listen port \(p)") }
        if let f = c.fwmark { parts.append("fwmark \(f)") }
        let removed = c.peers.filter(\.remove).count
        if removed > 0 { parts.append("\(removed) peer(s) removed") }
        let set = c.peers.count - removed
        if set > 0 { parts.append("\(set) peer(s) added or updated") }
        return "configured " + parts.joined(separator: ", ")
    }
}

extension Tunnel {
    /// Deletes the interface; for wireguard-go, removing the socket makes it exit and take the TUN with it.
    @discardableResult
    public static func down(interface name: String, userspace: UserspaceBackend = UserspaceBackend(),
                            timeout: Double = 5) throws -> [String] {
        let rt = try RouteNetlink()
        let exists = { (try? rt.link(named: name)) != nil }
        if userspace.isLive(name) {
            try userspace.stop(name)
            if waitUntil(timeout: timeout, { !exists() }) { return ["stopped wireguard-go for \(name)"] }
        }
        guard let link = try? rt.link(named: name) else {
            throw WireGuardError(code: .noSuchInterface, reason: "no interface \(name) to take down; "
                + "`sigil wg show` lists the WireGuard interfaces")
        }
        // Like wg-quick, only ever delete a WireGuard link: the name may belong to docker0 or the uplink.
        guard link.kind == "wireguard" else {
            throw WireGuardError(code: .unsupported, reason: "interface \(name) is not WireGuard (kind "
                + "\(link.kind ?? "none")); refusing to delete it. Check the config name, or remove the link "
                + "yourself if it really is yours")
        }
        try rt.deleteLink(name: name)
        return ["deleted \(name)"]
    }

    /// `wg show` for one interface, with the backend that answered.
    public static func show(interface name: String, userspace: UserspaceBackend = UserspaceBackend()) throws -> String {
        let backend = try backend(for: name, userspace: userspace)
        let device = try backend.device(named: name)
        return ShowRenderer.render(device, backend: backend.name, now: Int64(time(nil)))
    }

    /// The backend that runs an existing interface, or a clear error if none does.
    public static func backend(for name: String, userspace: UserspaceBackend = UserspaceBackend()) throws
        -> any WireGuardBackend
    {
        if userspace.isLive(name) { return userspace }
        guard let link = try RouteNetlink().links().first(where: { $0.name == name }) else {
            throw WireGuardError(code: .noSuchInterface, reason: "no WireGuard interface \(name): no such link and "
                + "no live socket \(userspace.socketPath(name)); bring it up with `sigil tunnel up \(name).conf`")
        }
        return try liveBackend(link, userspace: userspace)
    }

    /// Sends traffic to the first peer's tunnel address until a handshake newer than 180 s shows up.
    /// Returns the handshake's age in seconds.
    @discardableResult
    public func waitHandshake(timeout: Double = 15, since: Double = WallClock.now) throws -> Int64 {
        let name = config.name
        guard let peer = config.peers.first, let target = peer.allowedIPs.first?.address else {
            throw WireGuardError(code: .config, reason: "\(name).conf: no [Peer] with AllowedIPs to send traffic to")
        }
        let backend = try Self.backend(for: name, userspace: userspace)
        let start = Clock.now
        var lastPoke = -1.0
        while true {
            let now = Int64(time(nil))
            let device = try backend.device(named: name)
            if let live = device.peers.first(where: { $0.publicKey == peer.publicKey }),
               let age = Handshake.age(live, now: now), age < Handshake.rejectAfter, Handshake.time(live) >= since {
                return age
            }
            let elapsed = Clock.now - start
            guard elapsed < timeout else {
                throw WireGuardError(code: .handshakeTimeout, reason: "no handshake with peer "
                    + "\(peer.publicKey.base64) on \(name) within \(Int(timeout)) s after sending traffic to "
                    + "\(target)\(sinceText(since)); check the peer's Endpoint, its PublicKey, that both sides have "
                    + "the same PresharedKey (or neither has one) and that UDP reaches it")
            }
            if elapsed - lastPoke >= 1 {
                lastPoke = elapsed
                Self.poke(target)
            }
            usleep(100_000)
        }
    }

    /// One TCP SYN to the discard port makes WireGuard start a handshake; the connection itself may fail.
    static func poke(_ target: IPAddress) {
        (try? Socket.connect(host: target.description, port: 9, timeout: 0.2))?.close()
    }

    static func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
        let start = Clock.now
        while Clock.now - start < timeout {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}

/// Handshake freshness (wireguard-go `device/constants.go`).
public enum Handshake {
    /// RejectAfterTime: a session older than this cannot carry data.
    public static let rejectAfter: Int64 = 180

    /// The peer's latest handshake as Unix time with its fraction, 0 if it never had one.
    public static func time(_ peer: Peer) -> Double {
        Double(peer.lastHandshakeSeconds) + Double(peer.lastHandshakeNanoseconds) / 1e9
    }

    /// Seconds since the peer's latest handshake, nil if it never had one.
    public static func age(_ peer: Peer, now: Int64) -> Int64? {
        peer.lastHandshakeSeconds == 0 ? nil : max(0, now - peer.lastHandshakeSeconds)
    }
}

/// Unix time with its fraction, the clock WireGuard stamps handshakes with.
public enum WallClock {
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

private func sinceText(_ since: Double) -> String {
    " (a handshake at or after Unix time \(Int64(since)) was wanted)"
}

/// Monotonic seconds, enough for deadlines.
enum Clock {
    static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension Tunnel {
    /// WireGuard interfaces in this namespace: kernel links of kind wireguard, and tun links with a live
    /// UAPI socket (wg(8) lists the socket directory; that directory is shared by all namespaces).
    public static func interfaces(userspace: UserspaceBackend = UserspaceBackend()) throws -> [String] {
        try RouteNetlink().links().filter {
            $0.kind == "wireguard" || ($0.kind == "tun" && userspace.isLive($0.name))
        }.map(\.name).sorted()
    }
}
