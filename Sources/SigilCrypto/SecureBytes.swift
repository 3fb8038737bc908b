import CSodium

/// Secret bytes in libsodium guarded memory, zeroed when released (`sodium_free` wipes before freeing).
public final class SecureBytes: @unchecked Sendable {
    private let pointer: UnsafeMutableRawPointer
    public let count: Int

    public init(count: Int) {
        _ = Sodium.ready
        guard let p = sodium_malloc(max(count, 1)) else { fatalError("sodium_malloc(\(count)) failed: out of memory") }
        pointer = p
        self.count = count
        sodium_memzero(p, max(count, 1))
    }

    /// Copies `bytes` in and wipes the caller's array, so the only copy left is the guarded one.
    public convenience init(consuming bytes: inout [UInt8]) {
        self.init(count: bytes.count)
        bytes.withUnsafeBytes { src in if let base = src.baseAddress { pointer.copyMemory(from: base, byteCount: count) } }
        wipe(&bytes)
    }

    public convenience init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        var tmp = Array(bytes)
        self.init(consuming: &tmp)
    }

    deinit { sodium_free(pointer) }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// A plain copy; callers that take one are responsible for wiping it.
    public var unsafeCopy: [UInt8] { withUnsafeBytes { Array($0) } }

    public func slice(_ range: Range<Int>) -> SecureBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        let s = SecureBytes(count: range.count)
        s.pointer.copyMemory(from: pointer + range.lowerBound, byteCount: range.count)
        return s
    }
}
