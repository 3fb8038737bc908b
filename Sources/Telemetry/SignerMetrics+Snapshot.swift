import CoreMetrics
import Foundation
import Signer
import SignerConfig

extension SignerMetrics {
    /// The current view, with the scrape-time gauges (age of the last signature, state writability, tunnels)
    /// brought up to date first.
    public func snapshot(now: Date = Date()) -> StatusSnapshot {
        let (chainViews, linkViews) = lock.withLock { (chainsCopy, linksCopy) }
        let f = exposition.factory
        var chains: [StatusSnapshot.Chain] = []
        for chain in config.chains {
            let view = chainViews[chain.id] ?? ChainView(last: .initial)
            let since = now.timeIntervalSince(view.lastSignedAt ?? started)
            let writable = !view.stateWriteFailing && Self.directoryWritable(chain.stateFile)
            let c = [("chain_id", chain.id)]
            Gauge(label: Names.sinceSignature, dimensions: c, factory: f).record(since)
            Gauge(label: Names.stateWritable, dimensions: c, factory: f).record(writable ? 1 : 0)
            chains.append(StatusSnapshot.Chain(
                chainID: chain.id, height: view.last.height, round: view.last.round,
                step: StepNumber.of(view.last.step), secondsSinceSignature: since,
                signedSinceStart: view.lastSignedAt != nil, stateWritable: writable))
        }
        let validators = config.validators.map { v in
            let link = LinkInfo(chainID: v.chainID, validator: "\(v.addr)")
            let view = linkViews[link] ?? LinkView()
            return StatusSnapshot.Validator(
                chainID: v.chainID, validator: link.validator, connected: view.connected,
                secondsInState: view.since.map { now.timeIntervalSince($0) }, connects: view.connects,
                disconnects: view.disconnects, roundTripP50Ms: view.roundTrips.quantile(0.5).map { $0 * 1000 },
                roundTripP99Ms: view.roundTrips.quantile(0.99).map { $0 * 1000 })
        }
        var tunnels: [StatusSnapshot.Tunnel] = []
        for v in config.validators {
            guard let interface = v.tunnel, case .tcp(_, let host, _) = v.addr,
                  !tunnels.contains(where: { $0.interface == interface }) else { continue }
            let t = TunnelProbe.read(interface: interface, validatorHost: host, now: now)
            let d = [("interface", interface)]
            Gauge(label: Names.tunnelUp, dimensions: d, factory: f).record(t.up ? 1 : 0)
            // No handshake (or no device) is reported as an infinitely old handshake, so "stale" alerts fire.
            Gauge(label: Names.tunnelHandshakeAge, dimensions: d, factory: f)
                .record(t.lastHandshakeAgeSeconds ?? .infinity)
            Gauge(label: Names.tunnelReceived, dimensions: d, factory: f).record(Double(t.receivedBytes))
            Gauge(label: Names.tunnelSent, dimensions: d, factory: f).record(Double(t.sentBytes))
            tunnels.append(t)
        }
        let problems = Readiness.problems(chains: chains, validators: validators)
        Gauge(label: Names.ready, factory: f).record(problems.isEmpty ? 1 : 0)
        return StatusSnapshot(
            version: SigilVersion.string, uptimeSeconds: now.timeIntervalSince(started), ready: problems.isEmpty,
            notReady: problems, chains: chains, validators: validators, tunnels: tunnels)
    }

    /// The Prometheus text, after bringing the scrape-time gauges up to date.
    public func prometheusText(now: Date = Date()) -> [UInt8] {
        _ = snapshot(now: now)
        return exposition.text()
    }

    /// Whether a new state file could be created next to `path` (what the durable write needs).
    static func directoryWritable(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        return access(dir.isEmpty ? "." : dir, W_OK) == 0
    }
}
