import SigilCrypto

/// The state journal's record codec (pure). The journal is a preallocated file of two slots, each in its own
/// 4 KiB block so that writing one can never disturb the other; a record is 512 bytes at the start of its slot.
/// Sequence n lives in slot n % 2, so a new record always overwrites the older slot and the newest good one
/// stays intact while it is written. Layout, little-endian:
///
///     0   magic "SIGILJ1\n"          32  signature, zero-padded to 64
///     8   sequence   UInt64          96  sign bytes, zero-padded to 384
///     16  height     Int64           480 SHA-256 of bytes 0..<480
///     24  round      Int32
///     28  step       UInt8 (FilePV numbering)
///     29  signature length UInt8 (0-64)
///     30  sign-bytes length UInt16
public enum JournalRecord {
    public static let recordSize = 512
    public static let slotSize = 4096
    public static let slotCount = 2
    public static let fileSize = slotSize * slotCount
    static let magic = Array("SIGILJ1\n".utf8)
    static let signatureOffset = 32
    static let signBytesOffset = 96
    static let checksumOffset = recordSize - 32
    public static let maxSignBytes = checksumOffset - signBytesOffset

    public struct Entry: Hashable, Sendable {
        public let sequence: UInt64
        public let state: LastSignState
    }

    public enum Recovery: Hashable, Sendable {
        /// No record was ever completed: the file is as preallocated, or only the first write was torn.
        case blank
        case entry(Entry)
        /// Neither slot holds a good record and neither is blank: the file was damaged, not torn by a crash.
        case damaged
    }

    /// The slot a sequence number is written to, as a byte offset into the file.
    public static func offset(of sequence: UInt64) -> Int { Int(sequence % UInt64(slotCount)) * slotSize }

    /// The 512-byte record, or nil when the state does not fit (sign bytes over 384 bytes, signature over 64).
    public static func encode(_ state: LastSignState, sequence: UInt64) -> [UInt8]? {
        guard state.signBytes.count <= maxSignBytes, state.signature.count <= 64 else {
            return nil
        }
        var r = magic
        r.reserveCapacity(recordSize)
        append(&r, sequence)
        append(&r, UInt64(bitPattern: state.height))
        append(&r, UInt32(bitPattern: state.round))
        r.append(UInt8(bitPattern: state.step.rawValue))
        r.append(UInt8(state.signature.count))
        append(&r, UInt16(state.signBytes.count))
        r += state.signature + [UInt8](repeating: 0, count: 64 - state.signature.count)
        r += state.signBytes + [UInt8](repeating: 0, count: maxSignBytes - state.signBytes.count)
        r += SHA256.hash(r)
        return r
    }

    /// The record in `bytes` (at least `recordSize` long), or nil when it is blank, torn or not a record.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> Entry? {
        guard bytes.count >= recordSize else { return nil }
        let r = Array(bytes.prefix(recordSize))
        guard Array(r[0..<8]) == magic, SHA256.hash(r[0..<checksumOffset]) == Array(r[checksumOffset...]) else { return nil }
        let sigLength = Int(r[29]), signBytesLength = Int(read(r, 30, UInt16.self))
        guard let step = SignStep(rawValue: Int8(bitPattern: r[28])), sigLength <= 64,
              signBytesLength <= maxSignBytes else { return nil }
        let state = LastSignState(
            height: Int64(bitPattern: read(r, 16, UInt64.self)), round: Int32(bitPattern: read(r, 24, UInt32.self)),
            step: step, signature: Array(r[signatureOffset..<signatureOffset + sigLength]),
            signBytes: Array(r[signBytesOffset..<signBytesOffset + signBytesLength]))
        return Entry(sequence: read(r, 8, UInt64.self), state: state)
    }

    /// The newest good record of a whole journal file.
    public static func recover(_ file: [UInt8]) -> Recovery {
        let slots = (0..<slotCount).map { file.dropFirst($0 * slotSize).prefix(recordSize) }
        if let newest = slots.compactMap(decode).max(by: { $0.sequence < $1.sequence }) { return .entry(newest) }
        return slots.contains { $0.allSatisfy { $0 == 0 } } ? .blank : .damaged
    }

    private static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private static func read<T: FixedWidthInteger>(_ bytes: [UInt8], _ at: Int, _: T.Type) -> T {
        var value: T = 0
        for i in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[at + i]) }
        return value
    }
}
