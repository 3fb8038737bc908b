import Foundation
import Testing
import TestSupport

/// A test "machine": its own network namespace and its own mount namespace (so each machine has a private
/// /var/run/wireguard, as separate hosts do; wireguard-go's UAPI socket path is not per network namespace).
/// Everything it created is removed by `destroy()`, which callers run in a `defer`.
final class Machine: @unchecked Sendable {
    static let root = "/run/sigil-test-ns"
    let name: String
    var netns: String { "/var/run/netns/\(name)" }
    var mountns: String { "\(Machine.root)/\(name).mnt" }

    init(_ name: String) throws {
        self.name = name
        try Machine.prepareRoot()
        try Machine.sh("ip netns add \(name)")
        try Machine.sh("touch \(mountns) && unshare --mount=\(mountns) --propagation private "
            + "sh -c 'mount -t tmpfs tmpfs /var/run && mkdir -p /var/run/wireguard /var/run/netns'")
        // /var/run is now private to this machine; the netns file lives in the host's /var/run, already open by path.
        try exec("ip link set lo up")
    }

    static func prepareRoot() throws {
        // Mount-namespace files can only be bound under a mount with private propagation.
        try sh("mkdir -p \(root) && (mountpoint -q \(root) || (mount --bind \(root) \(root) && mount --make-private \(root)))")
    }

    /// Runs a shell command inside this machine; returns (status, output).
    @discardableResult
    func run(_ command: String) throws -> (Int32, String) {
        try TestSupport.run("/usr/bin/nsenter", ["--mount=\(mountns)", "--net=\(netns)", "/bin/sh", "-c", command])
    }

    /// Like `run`, but a non-zero status is a test failure.
    @discardableResult
    func exec(_ command: String) throws -> String {
        let (status, out) = try run(command)
        if status != 0 { throw Failure(description: "[\(name)] `\(command)` exited \(status): \(out)") }
        return out
    }

    /// Starts a long-running process inside this machine.
    func spawn(_ arguments: [String]) throws -> Child {
        try Child(URL(fileURLWithPath: "/usr/bin/nsenter"), ["--mount=\(mountns)", "--net=\(netns)"] + arguments)
    }

    func destroy() {
        _ = try? Machine.sh("for p in $(ip netns pids \(name)); do kill -9 $p; done; ip netns del \(name); "
            + "umount \(mountns); rm -f \(mountns)")
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    @discardableResult
    static func sh(_ command: String) throws -> String {
        let (status, out) = try TestSupport.run("/bin/sh", ["-c", command])
        if status != 0 { throw Failure(description: "`\(command)` exited \(status): \(out)") }
        return out
    }

    /// Joins two machines with a veth pair and addresses them.
    static func link(_ a: Machine, _ aAddr: String, _ b: Machine, _ bAddr: String) throws {
        let ia = "v\(b.name)", ib = "v\(a.name)"
        try sh("ip link add \(ia) netns \(a.name) type veth peer name \(ib) netns \(b.name)")
        try a.exec("ip addr add \(aAddr) dev \(ia) && ip link set \(ia) up")
        try b.exec("ip addr add \(bAddr) dev \(ib) && ip link set \(ib) up")
    }
}
