/// STROBE v1.0.2 at 128-bit security over Keccak-f[1600], the duplex construction under a Merlin transcript.
///
/// Merlin needs only `metaAD`, `ad`, `key` and `prf`; the other operations are here so the whole STROBE known-answer
/// suite can run against this one duplex. A value type: copying a `Strobe128` forks the protocol state.
public struct Strobe128: Sendable {
    /// The STROBE operation flags (spec section 6.2). An operation is a fixed combination of them.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let inbound = Flags(rawValue: 1 << 0)     // I
        public static let application = Flags(rawValue: 1 << 1) // A
        public static let cipher = Flags(rawValue: 1 << 2)      // C
        public static let transport = Flags(rawValue: 1 << 3)   // T
        public static let meta = Flags(rawValue: 1 << 4)        // M
        public static let keyTree = Flags(rawValue: 1 << 5)     // K

        public static let ad: Flags = [.application]
        public static let key: Flags = [.application, .cipher]
        public static let prf: Flags = [.inbound, .application, .cipher]
        public static let sendCLR: Flags = [.application, .transport]
        public static let recvCLR: Flags = [.inbound, .application, .transport]
        public static let sendENC: Flags = [.application, .cipher, .transport]
        public static let recvENC: Flags = [.inbound, .application, .cipher, .transport]
        public static let sendMAC: Flags = [.cipher, .transport]
        public static let recvMAC: Flags = [.inbound, .cipher, .transport]
        public static let ratchet: Flags = [.cipher]
    }

    /// R for 128-bit security: 200 - 2 * 128/8 - 2 bytes of the state are absorbed per permutation.
    static let rate = 166

    private(set) var state: [UInt8]
    private(set) var position = 0
    private var positionBegin = 0
    private var currentFlags: Flags = []
    /// I0 of the spec: which side of the transport this instance is, fixed by its first transport operation.
    private var isResponder: Bool?

    public init(protocolLabel: [UInt8]) {
        state = [UInt8](repeating: 0, count: Keccak1600.stateBytes)
        let header: [UInt8] = [1, UInt8(Self.rate + 2), 1, 0, 1, 12 * 8] + Array("STROBEv1.0.2".utf8)
        state.replaceSubrange(0..<header.count, with: header)
        Keccak1600.permute(bytes: &state)
        metaAD(protocolLabel)
    }

    public init(protocolLabel: String) {
        self.init(protocolLabel: Array(protocolLabel.utf8))
    }

    // MARK: Operations Merlin uses

    public mutating func metaAD(_ data: [UInt8], more: Bool = false) {
        ad(data, meta: true, more: more)
    }

    public mutating func ad(_ data: [UInt8], meta: Bool = false, more: Bool = false) {
        var copy = data
        operate(.ad, meta: meta, &copy, more: more)
    }

    public mutating func key(_ data: [UInt8], meta: Bool = false, more: Bool = false) {
        var copy = data
        operate(.key, meta: meta, &copy, more: more)
        wipe(&copy)
    }

    public mutating func prf(count: Int, meta: Bool = false, more: Bool = false) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        operate(.prf, meta: meta, &out, more: more)
        return out
    }

    // MARK: The rest of STROBE

    public mutating func sendCLR(_ data: [UInt8], meta: Bool = false, more: Bool = false) {
        var copy = data
        operate(.sendCLR, meta: meta, &copy, more: more)
    }

    public mutating func recvCLR(_ data: [UInt8], meta: Bool = false, more: Bool = false) {
        var copy = data
        operate(.recvCLR, meta: meta, &copy, more: more)
    }

    public mutating func sendENC(_ plaintext: [UInt8], meta: Bool = false, more: Bool = false) -> [UInt8] {
        var out = plaintext
        operate(.sendENC, meta: meta, &out, more: more)
        return out
    }

    public mutating func recvENC(_ ciphertext: [UInt8], meta: Bool = false, more: Bool = false) -> [UInt8] {
        var out = ciphertext
        operate(.recvENC, meta: meta, &out, more: more)
        return out
    }

    public mutating func sendMAC(count: Int, meta: Bool = false, more: Bool = false) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        operate(.sendMAC, meta: meta, &out, more: more)
        return out
    }

    /// Absorbs the received MAC either way (the state moves on as the spec says), then throws if it was wrong.
    public mutating func recvMAC(_ mac: [UInt8], meta: Bool = false, more: Bool = false) throws(MerlinError) {
        var residue = mac
        operate(.recvMAC, meta: meta, &residue, more: more)
        // Constant time: every byte is looked at whatever the first difference is.
        let difference = residue.reduce(UInt8(0)) { $0 | $1 }
        guard difference == 0 else { throw MerlinError.macMismatch(count: mac.count) }
    }

    public mutating func ratchet(count: Int, meta: Bool = false, more: Bool = false) {
        var zeros = [UInt8](repeating: 0, count: count)
        operate(.ratchet, meta: meta, &zeros, more: more)
    }

    /// Runs one STROBE operation over `data` in place (spec section 6.3). `more` continues the previous operation,
    /// which must have had the same flags: a continued operation is indistinguishable from a single longer one.
    public mutating func operate(_ operation: Flags, meta: Bool = false, _ data: inout [UInt8], more: Bool) {
        let flags = meta ? operation.union(.meta) : operation
        if more {
            precondition(
                flags == currentFlags,
                "STROBE continuation with flags \(flags.rawValue) after an operation with \(currentFlags.rawValue)")
        } else {
            beginOperation(flags)
        }
        // The direction of the caller's operation decides the duplex mode, not the I bit adjusted for the role.
        let kind = operation.intersection([.cipher, .inbound, .transport])
        let outputAfter = kind == [.cipher, .transport]
        let outputBefore = operation.contains(.cipher) && !outputAfter
        for i in data.indices {
            if outputBefore { data[i] ^= state[position] }
            state[position] ^= data[i]
            if outputAfter { data[i] = state[position] }
            position += 1
            if position == Self.rate { runF() }
        }
    }

    private mutating func beginOperation(_ flags: Flags) {
        currentFlags = flags
        var adjusted = flags
        if flags.contains(.transport) {
            let inbound = flags.contains(.inbound)
            let responder = isResponder ?? inbound
            isResponder = responder
            if responder != inbound { adjusted.insert(.inbound) } else { adjusted.remove(.inbound) }
        }
        let oldBegin = UInt8(positionBegin)
        positionBegin = position + 1
        absorb([oldBegin, adjusted.rawValue])
        if !adjusted.isDisjoint(with: [.cipher, .keyTree]) && position != 0 { runF() }
    }

    private mutating func absorb(_ bytes: [UInt8]) {
        for byte in bytes {
            state[position] ^= byte
            position += 1
            if position == Self.rate { runF() }
        }
    }

    private mutating func runF() {
        state[position] ^= UInt8(positionBegin)
        state[position + 1] ^= 0x04
        state[Self.rate + 1] ^= 0x80
        Keccak1600.permute(bytes: &state)
        position = 0
        positionBegin = 0
    }
}

/// Best effort only: Merlin has no dependency on libsodium's `sodium_memzero`.
private func wipe(_ bytes: inout [UInt8]) {
    for i in bytes.indices { bytes[i] = 0 }
}
