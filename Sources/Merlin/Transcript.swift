/// A Merlin transcript (merlin 2.0 / gtank merlin / curve25519-voi): STROBE-128 with protocol label "Merlin v1.0".
///
/// A value type: copying a transcript forks it, which is what Merlin's `clone` does.
public struct Transcript: Sendable {
    private var strobe: Strobe128

    /// Starts a transcript and separates its domain with `append(label: "dom-sep", message: label)`.
    public init(label: String) {
        strobe = Strobe128(protocolLabel: "Merlin v1.0")
        append(label: "dom-sep", message: Array(label.utf8))
    }

    public mutating func append(label: String, message: [UInt8]) {
        strobe.metaAD(Array(label.utf8))
        strobe.metaAD(Self.length32(message.count), more: true)
        strobe.ad(message)
    }

    /// Appends the value as 8 little-endian bytes, as merlin's `append_u64` does.
    public mutating func appendU64(label: String, _ value: UInt64) {
        append(label: label, message: withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    public mutating func challengeBytes(label: String, count: Int) -> [UInt8] {
        strobe.metaAD(Array(label.utf8))
        strobe.metaAD(Self.length32(count), more: true)
        return strobe.prf(count: count)
    }

    // Merlin frames every length as a u32; a longer message is a caller bug, not external input.
    private static func length32(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(UInt32.max), "Merlin lengths must fit in 32 bits, got \(count)")
        return withUnsafeBytes(of: UInt32(count).littleEndian) { Array($0) }
    }
}
