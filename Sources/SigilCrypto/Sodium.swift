import CSodium

/// libsodium must be initialised once before any other call; every entry point here touches `ready`.
enum Sodium {
    static let ready: Void = {
        guard sodium_init() >= 0 else { fatalError("sodium_init failed: libsodium cannot be used on this machine") }
    }()
}

/// Cryptographically secure random bytes from libsodium (getrandom on Linux).
public enum Random {
    public static func bytes(_ count: Int) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }
}

/// Wipes a byte array in place with `sodium_memzero`.
public func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { if let p = $0.baseAddress { sodium_memzero(p, $0.count) } }
}

/// Constant-time comparison of two byte sequences of equal length.
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in sodium_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 } }
}
