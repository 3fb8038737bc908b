/// Reconnect delays. A CometBFT node waits `defaultTimeoutAcceptSeconds` (3 s) for a signer to dial in, at start-up
/// and after a dropped connection, and a node that gets no signer in time on start-up exits with `can't get
/// pubkey`; a node that restarts should have its signer back before its first block. Delays grow from 0.1 s but
/// never beyond 0.25 s (CometBFT's own signer redials every 0.1 s), so Sigil is back within 250 ms of the node
/// whatever happened before, with jitter so several signers don't retry in lockstep. A refused dial costs a SYN
/// and a RST; the log says so once, not per dial (`FailureLog`).
public struct Backoff: Sendable {
    /// The longest delay between two dials, jitter included.
    public static let maximum: Double = 0.25
    public var first: Double = 0.1
    public var cap: Double = Backoff.maximum
    public var factor: Double = 2
    public var jitter: Double = 0.2
    private var attempt = 0

    public init(first: Double = 0.1, cap: Double = Backoff.maximum) {
        self.first = first
        self.cap = min(cap, Backoff.maximum)
    }

    /// The next delay in seconds; `random` is a number in 0..<1 (injected so tests are deterministic).
    public mutating func next(random: Double = Double.random(in: 0..<1)) -> Double {
        var base = first
        for _ in 0..<min(attempt, 32) { base = min(cap, base * factor) }
        attempt += 1
        let spread = base * jitter * (2 * random - 1)
        return max(0.01, min(cap, base + spread))
    }

    public mutating func reset() { attempt = 0 }
}
