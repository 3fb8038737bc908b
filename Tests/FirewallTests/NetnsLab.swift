import Foundation
import Testing
import TestSupport

/// Three network namespaces joined by veth pairs, standing in for the two machines and an outsider
/// (srv and peer also carry IPv6: fd00:200::1/2 on the tunnel, 2001:db8:1::1/::20 on pub1/eth0):
///
///     stranger eth0 192.0.2.66 ---- pub0 192.0.2.1      srv (machine A, validator)
///     peer     eth0 198.51.100.20 -- pub1 198.51.100.1
///     peer     wg0  10.200.0.2 ----- wg0  10.200.0.1    (veths named like the tunnel: nft matches the name)
///
/// The "tunnel" is a plain veth because the rules under test key on the interface name and addresses; WireGuard
/// itself is exercised by the WireGuard tests. Deleted by `remove()`.
final class NetnsLab {
    let id = String(UUID().uuidString.prefix(6)).lowercased()
    private(set) var created: [String] = []

    func ns(_ role: String) -> String { "sgfw-\(id)-\(role)" }

    init() throws {
        for role in ["srv", "peer", "stranger"] {
            try sh(nil, "ip", "netns", "add", ns(role))
            created.append(ns(role))
            try sh(role, "ip", "link", "set", "lo", "up")
        }
        try sh("srv", "ip", "link", "add", "wg0", "type", "veth", "peer", "name", "wg0", "netns", ns("peer"))
        try sh("srv", "ip", "link", "add", "pub1", "type", "veth", "peer", "name", "eth0", "netns", ns("peer"))
        try sh("srv", "ip", "link", "add", "pub0", "type", "veth", "peer", "name", "eth0", "netns", ns("stranger"))
        let addresses = [
            ("srv", "wg0", "10.200.0.1/24"), ("srv", "pub1", "198.51.100.1/24"), ("srv", "pub0", "192.0.2.1/24"),
            ("peer", "wg0", "10.200.0.2/24"), ("peer", "wg0", "10.200.0.3/32"), ("peer", "eth0", "198.51.100.20/24"),
            ("stranger", "eth0", "192.0.2.66/24"),
        ]
        for (role, dev, cidr) in addresses {
            try sh(role, "ip", "addr", "add", cidr, "dev", dev)
            try sh(role, "ip", "link", "set", dev, "up")
        }
        try sh("stranger", "ip", "route", "add", "10.200.0.0/24", "via", "192.0.2.1")
        let v6 = [
            ("srv", "wg0", "fd00:200::1/64"), ("srv", "pub1", "2001:db8:1::1/64"),
            ("peer", "wg0", "fd00:200::2/64"), ("peer", "eth0", "2001:db8:1::20/64"),
        ]
        for (role, dev, cidr) in v6 {
            try sh(role, "ip", "-6", "addr", "add", cidr, "dev", dev, "nodad")
        }
    }

    /// A "container" namespace behind srv, reached through Docker-style DNAT of published ports:
    /// srv br0 172.18.0.1 ---- ctr eth0 172.18.0.2, with srv forwarding and DNATing `published` ports to it.
    func addContainer(published: [(proto: String, port: Int)]) throws {
        try sh(nil, "ip", "netns", "add", ns("ctr"))
        created.append(ns("ctr"))
        try sh("ctr", "ip", "link", "set", "lo", "up")
        try sh("srv", "ip", "link", "add", "br0", "type", "veth", "peer", "name", "eth0", "netns", ns("ctr"))
        try sh("srv", "ip", "addr", "add", "172.18.0.1/24", "dev", "br0")
        try sh("srv", "ip", "link", "set", "br0", "up")
        try sh("ctr", "ip", "addr", "add", "172.18.0.2/24", "dev", "eth0")
        try sh("ctr", "ip", "link", "set", "eth0", "up")
        try sh("ctr", "ip", "route", "add", "default", "via", "172.18.0.1")
        try sh("srv", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        let rules = published.map { "        \($0.proto) dport \($0.port) dnat to 172.18.0.2" }.joined(separator: "\n")
        let dir = try TempDir("sigil-dnat")
        defer { dir.remove() }
        try load("table ip dockerlike {\n    chain prerouting {\n        type nat hook prerouting priority dstnat;\n"
            + rules + "\n    }\n}\n", into: "srv", dir: dir)
    }

    func remove() {
        for name in created { _ = try? run("/usr/sbin/ip", ["netns", "del", name]) }
    }

    /// Runs a command inside the namespace of `role` (or the current one) and requires success.
    @discardableResult
    func sh(_ role: String?, _ args: String...) throws -> String {
        let (status, output) = try exec(role, args)
        guard status == 0 else { throw LabError(command: args.joined(separator: " "), output: output) }
        return output
    }

    func exec(_ role: String?, _ args: [String]) throws -> (Int32, String) {
        guard let role else { return try run("/usr/bin/env", args) }
        return try run("/usr/sbin/ip", ["netns", "exec", ns(role)] + args)
    }

    /// Loads an nft script into the namespace of `role` for real.
    func load(_ script: String, into role: String, dir: TempDir) throws {
        let file = dir.path("\(role).nft")
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        try sh(role, "nft", "-f", file)
    }

    /// Starts listeners (`tcp,IP,PORT` / `udp,IP,PORT`) in `role`; each accepted connection or datagram is a line.
    func listen(in role: String, _ specs: [String]) throws -> Child {
        let args = ["netns", "exec", ns(role), "python3", "-u", "-c", Self.server] + specs
        let child = try Child(URL(fileURLWithPath: "/usr/sbin/ip"), args)
        guard child.waitForOutput(timeout: 20, { $0.contains("ready") }) else {
            throw LabError(command: "listener in \(role)", output: child.output)
        }
        return child
    }

    enum Outcome: String { case connected, timeout, refused, error }

    /// A TCP connect from `role`, bound to `source`. A dropped SYN shows up as `timeout`, a missing listener as
    /// `refused`, so the two can't be confused.
    func connect(from role: String, source: String, to host: String, port: Int) throws -> Outcome {
        let (_, output) = try exec(role, ["python3", "-c", Self.client, "tcp", host, "\(port)", source, "0", "x"])
        return Outcome(rawValue: output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .error
    }

    /// One datagram from `source:sourcePort` in `role` to `destination` ("IP:port").
    func sendUDP(_ role: String, _ source: String, _ sourcePort: Int, to destination: String, _ payload: String)
        throws
    {
        let target = destination.split(separator: ":").map(String.init)
        try sh(role, "python3", "-c", Self.client, "udp", target[0], target[1], source, "\(sourcePort)", payload)
    }

    /// Packets counted by the first rule that starts with `prefix`.
    func counter(in role: String, rule prefix: String) throws -> Int {
        let listing = try sh(role, "nft", "list", "table", "inet", "sigil")
        let lines = listing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let line = lines.first(where: { $0.hasPrefix(prefix) && $0.contains("counter") }),
            let range = line.range(of: "packets ")
        else { return -1 }
        return Int(line[range.upperBound...].prefix { $0.isNumber }) ?? -1
    }

    /// Polls `condition` until it holds or the deadline passes.
    func eventually(_ timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        try TestSupport.eventually(timeout: timeout, condition)
    }

    struct LabError: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command) failed: \(output)" }
    }

    private static let server = """
        import selectors, socket, sys
        sel = selectors.DefaultSelector()
        for spec in sys.argv[1:]:
            kind, host, port = spec.split(",")
            if kind == "tcp":
                s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((host, int(port)))
                s.listen(16)
            else:
                s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
                s.bind((host, int(port)))
            sel.register(s, selectors.EVENT_READ, kind)
        print("ready", flush=True)
        while True:
            for key, _ in sel.select():
                if key.data == "tcp":
                    c, addr = key.fileobj.accept()
                    print("tcp", key.fileobj.getsockname()[1], "from", addr[0], flush=True)
                    c.close()
                else:
                    data, addr = key.fileobj.recvfrom(2048)
                    print("udp", data.decode(), "from", addr[0], flush=True)
        """

    private static let client = """
        import socket, sys
        kind, host, port, src, sport, payload = sys.argv[1:7]
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, int(sport)))
        if kind == "udp":
            s.sendto(payload.encode(), (host, int(port)))
            sys.exit(0)
        s.settimeout(1.5)
        try:
            s.connect((host, int(port)))
            print("connected")
        except socket.timeout:
            print("timeout")
        except ConnectionRefusedError:
            print("refused")
        """
}
