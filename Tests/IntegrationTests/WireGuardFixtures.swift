import Foundation
import Glibc
import Testing
import TestSupport

/// Two network namespaces joined by a veth pair (A 192.0.2.1, B 192.0.2.2, a stand-in public network) and a
/// wg-quick config for each side. Set up with ip(8) (test-only); the tunnel itself is made by `sigil`.
/// wireguard-go's socket directory is shared by all namespaces, so interface names are unique per fixture.
final class WireGuardPair {
    let nsA = WG.unique("sgA"), nsB = WG.unique("sgB")
    let ifA = WG.unique("wgA"), ifB = WG.unique("wgB")
    let dir: TempDir
    var pubA = "", pubB = ""

    /// With `ipv6`, both sides also get fd00:200::/64 addresses and the peers route them.
    let ipv6: Bool

    init(ipv6: Bool = false) throws {
        self.ipv6 = ipv6
        dir = try TempDir("sigil-wg")
        do {
            try WG.ip(["netns", "add", nsA])
            try WG.ip(["netns", "add", nsB])
            try WG.ip(["link", "add", "vA", "netns", nsA, "type", "veth", "peer", "name", "vB", "netns", nsB])
            for (ns, dev, addr) in [(nsA, "vA", "192.0.2.1/24"), (nsB, "vB", "192.0.2.2/24")] {
                try WG.ip(["-n", ns, "address", "add", addr, "dev", dev])
                try WG.ip(["-n", ns, "link", "set", dev, "up"])
                try WG.ip(["-n", ns, "link", "set", "lo", "up"])
            }
            try writeConfigs()
        } catch {
            cleanup()
            throw error
        }
    }

    /// Keys through the real CLI: `sigil wg genkey --out`, `sigil wg genpsk --out`, `sigil wg pubkey`.
    private func writeConfigs() throws {
        for name in ["a.key", "b.key", "psk"] {
            let command = name == "psk" ? "genpsk" : "genkey"
            let (rc, out) = try WG.exec(Built.sigil.path, ["wg", command, "--out", dir.path(name)])
            guard rc == 0 else { throw WG.Failure(what: "sigil wg genkey", output: out) }
        }
        let skA = try String(contentsOfFile: dir.path("a.key"), encoding: .utf8).trimmed
        let skB = try String(contentsOfFile: dir.path("b.key"), encoding: .utf8).trimmed
        let psk = try String(contentsOfFile: dir.path("psk"), encoding: .utf8).trimmed
        pubA = try WG.pipe(Built.sigil.path, ["wg", "pubkey"], input: skA + "\n").trimmed
        pubB = try WG.pipe(Built.sigil.path, ["wg", "pubkey"], input: skB + "\n").trimmed
        try writeA(privateKey: skA, psk: psk, extra: "")
        try WG.writeSecret(dir.path("\(ifB).conf"), """
            [Interface]
            PrivateKey = \(skB)
            Address = 10.200.0.2/32\(ipv6 ? ", fd00:200::2/128" : "")

            [Peer]
            PublicKey = \(pubA)
            PresharedKey = \(psk)
            AllowedIPs = 10.200.0.1/32\(ipv6 ? ", fd00:200::1/128" : "")
            Endpoint = 192.0.2.1:51820
            PersistentKeepalive = 25
            """)
    }

    func writeA(privateKey: String? = nil, psk: String? = nil, extra: String) throws {
        let path = dir.path("\(ifA).conf")
        let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        func keep(_ key: String) -> String {
            let line = old.split(separator: "\n").first { $0.hasPrefix(key + " = ") }
            return line.map { String($0.dropFirst(key.count + 3)) } ?? ""
        }
        let sk = privateKey ?? keep("PrivateKey"), ps = psk ?? keep("PresharedKey")
        try? FileManager.default.removeItem(atPath: path)
        try WG.writeSecret(path, """
            [Interface]
            PrivateKey = \(sk)
            Address = 10.200.0.1/24\(ipv6 ? ", fd00:200::1/64" : "")
            ListenPort = 51820

            [Peer]
            PublicKey = \(pubB)
            PresharedKey = \(ps)
            AllowedIPs = 10.200.0.2/32\(ipv6 ? ", fd00:200::2/128" : "")
            \(extra)
            """)
    }

    var confA: String { dir.path("\(ifA).conf") }
    var confB: String { dir.path("\(ifB).conf") }

    /// `ip netns exec NS sigil ARGS…`
    @discardableResult
    func sigil(_ ns: String, _ args: [String]) throws -> (Int32, String) {
        try WG.exec("/usr/sbin/ip", ["netns", "exec", ns, Built.sigil.path] + args)
    }

    /// `wg show IF latest-handshakes` (real wg(8), reading the shared socket), in seconds since the epoch.
    func latestHandshake(_ iface: String) -> Int64 {
        guard let (rc, out) = try? WG.exec("/usr/bin/wg", ["show", iface, "latest-handshakes"]), rc == 0 else {
            return 0
        }
        return out.split(separator: "\t").last.flatMap { Int64($0.trimmed) } ?? 0
    }

    /// Takes both tunnels down and deletes the namespaces; runs even when the test failed.
    func cleanup() {
        for (ns, iface) in [(nsA, ifA), (nsB, ifB)] {
            _ = try? sigil(ns, ["tunnel", "down", iface])
            unlink("/var/run/wireguard/\(iface).sock")
        }
        _ = try? WG.exec("/usr/sbin/ip", ["netns", "del", nsA])
        _ = try? WG.exec("/usr/sbin/ip", ["netns", "del", nsB])
        dir.remove()
    }

    deinit { cleanup() }
}

enum WG {
    static var rootEnabled: Bool { getuid() == 0 || Vectors.isCI }

    static func unique(_ prefix: String) -> String {
        prefix + String(UInt32.random(in: 0..<0x1000000), radix: 36)
    }

    struct Failure: Error, CustomStringConvertible {
        let what: String
        let output: String
        var description: String { "\(what) failed: \(output)" }
    }

    @discardableResult
    static func ip(_ args: [String]) throws -> String {
        let (rc, out) = try WG.exec("/usr/sbin/ip", args)
        guard rc == 0 else { throw Failure(what: "ip \(args.joined(separator: " "))", output: out) }
        return out
    }

    static func writeSecret(_ path: String, _ text: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw Failure(what: "writing \(path)", output: "")
        }
    }

    /// Runs `path args` with `input` on stdin; returns stdout, throws on a non-zero exit.
    static func pipe(_ path: String, _ args: [String], input: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = outPipe
        try p.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(what: "\(path) \(args)", output: out) }
        return out
    }

    /// Runs a program with posix_spawn and waitpid, collecting stdout+stderr, with a deadline. For commands
    /// that leave a daemon behind (`sigil tunnel up` starts wireguard-go): Foundation's Process learns of a
    /// child's exit through a descriptor the child inherits, so a daemon that keeps it hangs the caller.
    static func exec(_ path: String, _ args: [String], timeout: Double = 60) throws -> (Int32, String) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw Failure(what: "pipe", output: "") }
        fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        defer { close(fds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(fds[1])
        guard rc == 0 else { throw Failure(what: "spawn \(path)", output: String(cString: strerror(rc))) }
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        var out = [UInt8](), buf = [UInt8](repeating: 0, count: 4096), status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        func drain() {
            while true {
                let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
                guard n > 0 else { return }
                out += buf[0..<n]
            }
        }
        while true {
            drain()
            if waitpid(pid, &status, WNOHANG) == pid { break }
            guard Date() < deadline else {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw Failure(what: "\(args.joined(separator: " ")) timed out",
                              output: String(decoding: out, as: UTF8.self))
            }
            var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, 50)
        }
        drain()
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, String(decoding: out, as: UTF8.self))
    }

    /// Polls until `condition` holds or `timeout` passes.
    static func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
        TestSupport.eventually(timeout: timeout, condition)
    }
}

extension StringProtocol {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
