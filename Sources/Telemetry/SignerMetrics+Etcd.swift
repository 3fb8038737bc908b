import CoreMetrics
import Etcd

/// The etcd client's attempts: latency per endpoint and operation, and how often a request left an endpoint
/// for the next one. Refusals because etcd failed are counted under `sigil_refusals_total{reason="backend"}`.
extension SignerMetrics: EtcdObserver {
    public func attempted(_ operation: String, endpoint: String, seconds: Double, ok: Bool) {
        CoreMetrics.Timer(
            label: Names.etcdRequest,
            dimensions: [("endpoint", endpoint), ("operation", operation), ("outcome", ok ? "ok" : "failed")],
            factory: exposition.factory
        ).recordSeconds(seconds)
    }

    public func failedOver(from endpoint: String) {
        CoreMetrics.Counter(label: Names.etcdFailovers, dimensions: [("endpoint", endpoint)], factory: exposition.factory)
            .increment()
    }
}
