/// What the client tells metrics: each attempt on one endpoint, and each move to another endpoint.
public protocol EtcdObserver: Sendable {
    /// `operation` is `range` or `txn`; `ok` false for an attempt that failed or timed out.
    func attempted(_ operation: String, endpoint: String, seconds: Double, ok: Bool)
    /// A request left `from` (failed) for the next endpoint.
    func failedOver(from: String)
}

public struct NoEtcdObserver: EtcdObserver {
    public init() {}
    public func attempted(_ operation: String, endpoint: String, seconds: Double, ok: Bool) {}
    public func failedOver(from: String) {}
}
