import Foundation

/// A signature `ChainState.sign` released.
public struct SignOutcome: Hashable, Sendable {
    public let signature: [UInt8]
    /// Set when the stored signature was reused for a request that differed only in its timestamp: the reply
    /// must carry this stored timestamp instead of the requested one, or the signature will not verify.
    public let timestamp: SignTimestamp?
    /// True when this is the stored signature of an earlier identical (or timestamp-only different) request.
    public let reused: Bool
    /// How long the durable state write took (nil when nothing was written), for the state-write histogram.
    public let stateWriteSeconds: Double?

    public init(signature: [UInt8], timestamp: SignTimestamp? = nil, reused: Bool, stateWriteSeconds: Double? = nil) {
        self.signature = signature
        self.timestamp = timestamp
        self.reused = reused
        self.stateWriteSeconds = stateWriteSeconds
    }

    /// Equal when the same signature (and timestamp) was released; how long the write took does not matter.
    public static func == (a: SignOutcome, b: SignOutcome) -> Bool {
        a.signature == b.signature && a.timestamp == b.timestamp && a.reused == b.reused
    }

    public func hash(into h: inout Hasher) {
        h.combine(signature)
        h.combine(timestamp)
        h.combine(reused)
    }
}

/// One chain's double-sign guard: the last signed state in memory, its durable copy in the journal beside the
/// state file, the CometBFT-format state file kept in step off the signing path, and the lock that serialises
/// every sign request for the chain (all sentries, all connections).
public final class ChainState: @unchecked Sendable {
    public let chainID: String
    public let path: String
    private let journal: StateJournal
    private let mirror: StateMirror
    private let stateLock: StateLock?
    private let lock = NSLock()
    private var last: LastSignState
    /// The etcd record every signer of this key moves forward before releasing a signature; nil for local only.
    private var shared: (any SharedWatermark)?

    init(chainID: String, file: StateFile, last: LastSignState, stateLock: StateLock?) throws(StateError) {
        self.chainID = chainID
        self.path = file.path
        self.journal = try StateJournal(path: StateJournal.path(forStateFile: file.path), fs: file.fs)
        self.mirror = StateMirror(file: file)
        self.last = last
        self.stateLock = stateLock
    }

    /// Takes the chain's state lock and loads the higher of its journal and its state file.
    ///
    /// With neither, the chain starts at height 0 and both are written at once (so an unwritable directory
    /// fails now, not at the first signature); the returned warnings say so loudly and must be logged. A
    /// tmkms state is imported as is and rewritten in CometBFT's shape at the first signature. A state file
    /// behind its journal (a crash before the file caught up) is brought up to the journal here.
    public static func open(chainID: String, path: String) throws(StateError) -> (ChainState, warnings: [String]) {
        try open(chainID: chainID, file: StateFile(path: path))
    }

    static func open(chainID: String, file: StateFile) throws(StateError) -> (ChainState, warnings: [String]) {
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(file.path, file.directory) }
        let stateLock = try StateLock(statePath: file.path)
        var warnings: [String] = []
        if UnsafeTestSwitch.skipFsync {
            warnings.append(
                "\(UnsafeTestSwitch.variable)=1 is set: state writes for chain \(chainID) skip fsync and are NOT "
                    + "durable. This switch exists for Sigil's power-cut test only; unset it")
        }
        // Temp files of interrupted writes (state file or journal creation); nobody else writes them under the lock.
        let stale = file.removeStaleTempsWithJournal()
        if stale > 0 {
            warnings.append("removed \(stale) temporary state file(s) left in \(file.directory) by interrupted writes")
        }
        let stored = try file.load()
        let chain = try ChainState(chainID: chainID, file: file, last: .initial, stateLock: stateLock)
        let journaled = chain.journal.latest
        if stored == nil && journaled == nil {
            warnings.append(
                "no state file at \(file.path) for chain \(chainID): starting from height 0. If this validator key "
                    + "has signed on \(chainID) before, stop now and restore the state file; otherwise it may "
                    + "double sign")
            try chain.journal.record(.initial)
            try file.persist(.initial)
        } else if let (state, origin) = stored, journaled.map({ state.isAhead(of: $0) }) ?? true {
            // A state file above its journal was raised while no signer ran (`sigil state set`, an older Sigil).
            if origin == .tmkms {
                warnings.append(
                    "imported tmkms state for chain \(chainID) from \(file.path) at h/r/s \(state.hrs) (FilePV steps); "
                        + "it has no sign bytes, so a repeat of that exact height/round/step will be refused. The "
                        + "file is rewritten in CometBFT's format at the first signature")
            }
            chain.last = state
            try chain.journal.record(state)
        } else if let j = journaled {
            // On a tie the journal wins: it is written first and carries the signature.
            chain.last = j
            if stored.map({ j.isAhead(of: $0.0) }) ?? true { try file.persist(j) }
        }
        return (chain, warnings)
    }

    /// The state file is written under this chain's lock, which goes with this object: finish first.
    deinit { mirror.flush() }

    /// From now on every signature is first won in `watermark` (see `SharedWatermark`).
    public func share(_ watermark: any SharedWatermark) {
        lock.lock()
        defer { lock.unlock() }
        shared = watermark
    }

    /// The last signed state (a snapshot).
    public var lastSigned: LastSignState {
        lock.lock()
        defer { lock.unlock() }
        return last
    }

    /// Decides on `request`; for a new height/round/step calls `signer` with the sign bytes, saves the new state
    /// durably, and only then returns the signature. Concurrent requests for the same height/round/step are
    /// serialised here, so every sentry gets the one stored signature.
    ///
    /// Throws a `Refusal` when the double-sign rules refuse the request (its description is meant for
    /// `RemoteSignerError.description`), whatever `signer` throws (nothing saved), or a `StateError` when the
    /// state cannot be saved (signature withheld). A failed save leaves the in-memory state where it was: whatever
    /// reached the disk belongs to a signature that never left, so the next request (after the disk recovers)
    /// is decided against the last released signature, which is what double-sign safety needs.
    public func sign(request: SignRequestInfo, signer: ([UInt8]) throws -> [UInt8]) throws -> SignOutcome {
        lock.lock()
        defer { lock.unlock() }
        if let shared { return try signShared(request: request, signer: signer, watermark: shared) }
        switch ConsensusState.decide(last: last, request: request) {
        case .refuse(let refusal):
            throw refusal
        case .reuse(let signature, let timestamp):
            return SignOutcome(signature: signature, timestamp: timestamp, reused: true)
        case .sign:
            let signature = try signer(request.signBytes)
            let written = try save(LastSignState(signed: request, signature: signature))
            return SignOutcome(signature: signature, reused: false, stateWriteSeconds: written)
        }
    }

    /// The shared record decides; the local state follows it (defence in depth, and what `sigil state` shows)
    /// before the signature is returned.
    private func signShared(
        request: SignRequestInfo, signer: ([UInt8]) throws -> [UInt8], watermark: any SharedWatermark
    ) throws -> SignOutcome {
        let won = try watermark.sign(request: request, local: last, signer: signer)
        let written = won.record.isAhead(of: last) ? try save(won.record) : nil
        return SignOutcome(
            signature: won.signature, timestamp: won.timestamp, reused: won.reused, stateWriteSeconds: written)
    }

    /// Journals `next` durably, makes it the state and hands it to the state-file mirror; returns how long the
    /// durable write took.
    private func save(_ next: LastSignState) throws(StateError) -> Double {
        let started = DispatchTime.now().uptimeNanoseconds
        try journal.record(next)
        let written = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        last = next
        mirror.submit(next)
        return written
    }

    /// Called with the error when the state file could not be brought up to the journal (the journal still
    /// holds the state; signing goes on).
    public func whenStateFileFails(_ handler: @escaping @Sendable (StateError) -> Void) { mirror.whenFailing(handler) }

    /// Waits until the state file has caught up with every released signature.
    public func flushStateFile() { mirror.flush() }

    /// For a graceful stop: waits out a signature in progress, writes the state file, and then keeps the chain's
    /// lock for good, so no signature can start after that last write and the file matches the journal on exit.
    public func closeForExit() {
        lock.lock()
        mirror.flush()
    }
}

