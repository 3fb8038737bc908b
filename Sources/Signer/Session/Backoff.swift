/// Reconnect delays. The node gives a signer about 3 s to dial in after it drops a connection
/// (CometBFT `timeoutAccept`), so the first retry comes well inside that window; later ones back off
/// exponentially to a cap, with jitter so several signers don't retry in lockstep.
public struct Backoff: Sendable {
    public var first: Double = 0.1
    public var cap: Double = 5
    public var factor: Double = 2
    public var jitter: Double = 0.2
    private var attempt = 0

    public init(first: Double = 0.1, cap: Double = 5) {
        self.first = first
        self.cap = cap
    }

    /// The next delay in seconds; `random` is a number in 0..<1 (injected so tests are deterministic).
    public mutating func next(random: Double = Double.random(in: 0..<1)) -> Double {
        var base = first
        for _ in 0..<attempt { base = min(cap, base * factor) }
        attempt += 1
        let spread = base * jitter * (2 * random - 1)
        return max(0.01, min(cap, base + spread))
    }

    public mutating func reset() { attempt = 0 }
}
