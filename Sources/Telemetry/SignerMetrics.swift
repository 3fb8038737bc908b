import CoreMetrics
import Foundation
import Signer
import SignerConfig
import SignerState

/// The signer's recorder: swift-metrics counters, gauges and timers (backed by `Exposition`'s Prometheus
/// registry) plus the little state `sigil status` and `/readyz` need. Called by sessions after each reply.
public final class SignerMetrics: SignerRecorder, @unchecked Sendable {
    let exposition = Exposition()
    let config: SignerConfig
    let started = Date()
    let lock = NSLock()
    private var chains: [String: ChainView] = [:]
    private var links: [LinkInfo: LinkView] = [:]
    private var instruments: [String: Instruments] = [:]
    /// Each link's round-trip histogram, made once: asking the factory for it on every reply cost more than
    /// recording into it.
    private var roundTripTimers: [LinkInfo: CoreMetrics.Timer] = [:]
    var chainsCopy: [String: ChainView] { chains }
    var linksCopy: [LinkInfo: LinkView] { links }

    struct ChainView {
        var last: LastSignState
        var lastSignedAt: Date?
        var stateWriteFailing = false
    }

    struct LinkView {
        var connected = false
        var since: Date?
        var connects = 0
        var disconnects = 0
        var roundTrips = RecentSamples()
    }

    /// One chain's metric objects, created once so the signing path only increments (a class, so looking one
    /// up does not copy its dictionaries).
    final class Instruments {
        let signatures: [SignStep: CoreMetrics.Counter]
        let refusals: [RefusalReason: CoreMetrics.Counter]
        let height, round, step, sinceSignature, writable: Gauge
        let stateWrite: CoreMetrics.Timer
        let writeFailures: CoreMetrics.Counter

        init(signatures: [SignStep: CoreMetrics.Counter], refusals: [RefusalReason: CoreMetrics.Counter],
             height: Gauge, round: Gauge, step: Gauge, sinceSignature: Gauge, writable: Gauge,
             stateWrite: CoreMetrics.Timer, writeFailures: CoreMetrics.Counter) {
            self.signatures = signatures
            self.refusals = refusals
            self.height = height
            self.round = round
            self.step = step
            self.sinceSignature = sinceSignature
            self.writable = writable
            self.stateWrite = stateWrite
            self.writeFailures = writeFailures
        }
    }

    /// `starting`: each chain's state as loaded, so a restarted signer reports where it stands at once.
    public init(config: SignerConfig, starting: [String: LastSignState]) {
        self.config = config
        let f = exposition.factory
        Gauge(label: Names.buildInfo, dimensions: [("version", SigilVersion.string)], factory: f).record(1)
        for chain in config.chains {
            let c = [("chain_id", chain.id)]
            let steps: [SignStep] = [.propose, .prevote, .precommit]
            instruments[chain.id] = Instruments(
                signatures: Dictionary(uniqueKeysWithValues: steps.map {
                    ($0, CoreMetrics.Counter(label: Names.signatures, dimensions: c + [("type", "\($0)")], factory: f))
                }),
                refusals: Dictionary(uniqueKeysWithValues: RefusalReason.allCases.map {
                    ($0, CoreMetrics.Counter(
                        label: Names.refusals, dimensions: c + [("reason", $0.rawValue)], factory: f))
                }),
                height: Gauge(label: Names.lastHeight, dimensions: c, factory: f),
                round: Gauge(label: Names.lastRound, dimensions: c, factory: f),
                step: Gauge(label: Names.lastStep, dimensions: c, factory: f),
                sinceSignature: Gauge(label: Names.sinceSignature, dimensions: c, factory: f),
                writable: Gauge(label: Names.stateWritable, dimensions: c, factory: f),
                stateWrite: CoreMetrics.Timer(label: Names.stateWrite, dimensions: c, factory: f),
                writeFailures: CoreMetrics.Counter(label: Names.stateWriteFailures, dimensions: c, factory: f))
            chains[chain.id] = ChainView(last: starting[chain.id] ?? .initial)
            show(chain.id, starting[chain.id] ?? .initial)
        }
        for v in config.validators {
            let link = LinkInfo(chainID: v.chainID, validator: "\(v.addr)")
            links[link] = LinkView()
            let d = dimensions(link)
            Gauge(label: Names.connected, dimensions: d, factory: f).record(0)
            for name in [Names.connects, Names.disconnects, Names.connectFailures] {
                CoreMetrics.Counter(label: name, dimensions: d, factory: f).increment(by: 0)
            }
            // Histograms too, so every series exists (empty) from start-up.
            roundTripTimers[link] = CoreMetrics.Timer(label: Names.roundTrip, dimensions: d, factory: f)
            _ = CoreMetrics.Timer(label: Names.handshake, dimensions: d, factory: f)
        }
    }

    private func dimensions(_ link: LinkInfo) -> [(String, String)] {
        [("chain_id", link.chainID), ("validator", link.validator)]
    }

    private func show(_ chain: String, _ state: LastSignState) {
        guard let i = instruments[chain] else { return }
        i.height.record(state.height)
        i.round.record(Int64(state.round))
        i.step.record(Int64(StepNumber.of(state.step)))
    }

    // MARK: SignerRecorder

    public func connected(_ link: LinkInfo, handshakeSeconds: Double) {
        let f = exposition.factory, d = dimensions(link)
        Gauge(label: Names.connected, dimensions: d, factory: f).record(1)
        CoreMetrics.Counter(label: Names.connects, dimensions: d, factory: f).increment()
        CoreMetrics.Timer(label: Names.handshake, dimensions: d, factory: f).recordSeconds(handshakeSeconds)
        lock.withLock {
            links[link, default: LinkView()].connected = true
            links[link]?.since = Date()
            links[link]?.connects += 1
        }
    }

    public func connectFailed(_ link: LinkInfo) {
        CoreMetrics.Counter(label: Names.connectFailures, dimensions: dimensions(link), factory: exposition.factory)
            .increment()
    }

    public func disconnected(_ link: LinkInfo) {
        let f = exposition.factory, d = dimensions(link)
        Gauge(label: Names.connected, dimensions: d, factory: f).record(0)
        CoreMetrics.Counter(label: Names.disconnects, dimensions: d, factory: f).increment()
        lock.withLock {
            links[link]?.connected = false
            links[link]?.since = Date()
            links[link]?.disconnects += 1
        }
    }

    public func answered(_ link: LinkInfo, _ event: SignEvent, roundTripSeconds: Double) {
        guard let i = instruments[link.chainID] else { return }
        switch event {
        case .other:
            return
        case .signed(let step, let height, let round, let written):
            i.signatures[step]?.increment()
            if let written { i.stateWrite.recordSeconds(written) }
            let state = LastSignState(height: height, round: round, step: step)
            lock.withLock {
                // Sentries of one chain may answer the same H/R/S, and a stored signature may be reused:
                // keep the highest.
                if let current = chains[link.chainID]?.last, current.hrsTuple < state.hrsTuple {
                    chains[link.chainID]?.last = state
                }
                chains[link.chainID]?.lastSignedAt = Date()
                if written != nil { chains[link.chainID]?.stateWriteFailing = false }
            }
            show(link.chainID, lock.withLock { chains[link.chainID]?.last ?? state })
        case .refused(let reason):
            i.refusals[reason]?.increment()
            if reason == .disk {
                i.writeFailures.increment()
                lock.withLock { chains[link.chainID]?.stateWriteFailing = true }
            }
        }
        (roundTripTimers[link]
            ?? CoreMetrics.Timer(label: Names.roundTrip, dimensions: dimensions(link), factory: exposition.factory))
            .recordSeconds(roundTripSeconds)
        lock.withLock { links[link]?.roundTrips.add(roundTripSeconds) }
    }
}

extension LastSignState {
    var hrsTuple: (Int64, Int32, Int8) { (height, round, step.rawValue) }
}

/// The step number metrics and `sigil status` show: Sigil's one numbering, as in the log lines and state files
/// (CometBFT's: proposal 1, prevote 2, precommit 3; 0 before the first signature).
enum StepNumber {
    static func of(_ step: SignStep) -> Int { Int(step.rawValue) }
}

/// The last round trips of one link, for p50/p99 in `sigil status` (the histogram keeps the full record).
struct RecentSamples {
    private var values: [Double] = []
    private var next = 0
    static let capacity = 512

    mutating func add(_ v: Double) {
        if values.count < Self.capacity { values.append(v) } else { values[next] = v }
        next = (next + 1) % Self.capacity
    }

    func quantile(_ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }
}
