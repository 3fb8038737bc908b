import Foundation
import Glibc
import Netlink
import TestSupport

/// Real-kernel tests need root (CAP_NET_ADMIN + `ip netns`); under CI=true they must run, so a runner
/// without root fails them instead of skipping.
let canUseKernel = getuid() == 0 || Vectors.isCI

/// Creates a throwaway named netns, runs `body` on a thread inside it, and deletes the netns afterwards,
/// also when `body` throws.
func inFreshNamespace<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    let name = "sigil-nl-\(UInt32.random(in: 0...UInt32.max))"
    let (status, output) = try run("/usr/sbin/ip", ["netns", "add", name])
    guard status == 0 else { throw NamespaceError(message: "ip netns add \(name) failed: \(output)") }
    defer { _ = try? run("/usr/sbin/ip", ["netns", "delete", name]) }
    return try NetworkNamespace.run(path: "/var/run/netns/\(name)", body)
}

struct NamespaceError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The kernel under test may or may not have wireguard.ko (the qemu job boots one that does).
var kernelHasWireGuard: Bool { FileManager.default.fileExists(atPath: "/sys/module/wireguard") }
