import CoreMetrics
import Prometheus

/// The Prometheus side: a registry of its own (not the process-global one) behind swift-metrics, and the
/// histogram buckets for Sigil's timers. swift-prometheus writes the text format.
final class Exposition: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // A signature costs ~20 µs plus two fsyncs; CometBFT allows seconds. Resolve the range in between.
        let fine: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
            .map { .nanoseconds(Int64($0 * 1e9)) }
        factory.durationHistogramBuckets = [
            Names.roundTrip: fine, Names.stateWrite: fine, Names.handshake: fine, Names.etcdRequest: fine,
        ]
        self.factory = factory
    }

    func text() -> [UInt8] { registry.emitToBuffer() }
}

/// Every metric name, in one place (Docs/operations.md lists them with their meaning).
enum Names {
    static let buildInfo = "sigil_build_info"
    static let signatures = "sigil_signatures_total"
    static let refusals = "sigil_refusals_total"
    static let lastHeight = "sigil_last_signed_height"
    static let lastRound = "sigil_last_signed_round"
    static let lastStep = "sigil_last_signed_step"
    static let sinceSignature = "sigil_seconds_since_last_signature"
    static let roundTrip = "sigil_sign_round_trip_seconds"
    static let stateWrite = "sigil_state_write_seconds"
    static let stateWriteFailures = "sigil_state_write_failures_total"
    static let stateWritable = "sigil_state_writable"
    static let connected = "sigil_validator_connected"
    static let connects = "sigil_validator_connects_total"
    static let disconnects = "sigil_validator_disconnects_total"
    static let connectFailures = "sigil_validator_connect_failures_total"
    static let handshake = "sigil_validator_handshake_seconds"
    static let tunnelUp = "sigil_tunnel_up"
    static let tunnelHandshakeAge = "sigil_tunnel_last_handshake_age_seconds"
    static let tunnelReceived = "sigil_tunnel_received_bytes"
    static let tunnelSent = "sigil_tunnel_sent_bytes"
    static let ready = "sigil_ready"
    static let etcdRequest = "sigil_etcd_request_seconds"
    static let etcdFailovers = "sigil_etcd_failovers_total"
}
