import SigilCrypto

/// Moving a watermark between signers: `sigil state import` (into Sigil) and `sigil state export` (out of it).
/// Both only ever raise the watermark they write, and both hold the target chain's state lock, so neither runs
/// beside a signer.
public enum StateExportFormat: String, CaseIterable, Sendable {
    /// CometBFT FilePV `priv_validator_state.json` (also what Sigil itself writes).
    case cometbft
    /// tmkms / tendermint-rs `consensus::State`, steps one lower than FilePV.
    case tmkms
    /// horcrux `<chain>_priv_validator_state.json`: FilePV's keys with int64s as strings and `nonce_public`.
    case horcrux
}

/// What tmkms needs besides height/round/step: the block the last signature was for.
public enum SignedBlock: Hashable, Sendable {
    /// The state has no sign bytes (it was itself imported from tmkms, or nothing was signed).
    case unknown
    /// A vote for nil.
    case none
    case block(hash: [UInt8], partsTotal: UInt32, partsHash: [UInt8])
}

extension StateFiles {
    public enum ImportOutcome: Hashable, Sendable {
        case raised(from: LastSignState?, to: LastSignState)
        case unchanged(LastSignState)
    }

    /// Raises the state at `path` to the one in `source` (FilePV, tmkms or horcrux shape). The same state is a
    /// no-op; a lower one is refused.
    public static func importState(from source: String, into path: String) throws(StateError) -> ImportOutcome {
        guard let (incoming, _) = try load(StateFile(path: source)) else {
            throw StateError(code: .unreadable, reason: "no state file at \(source): give the path of the old signer's "
                + "state file (tmkms: state_file in its tmkms.toml)")
        }
        let file = StateFile(path: path)
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(path, file.directory) }
        let lock = try StateLock(statePath: path)
        defer { withExtendedLifetime(lock) {} }
        let current = try load(file)?.0
        if let current, order(current) == order(incoming) { return .unchanged(current) }
        if let current, order(current) > order(incoming) {
            throw StateError(code: .invalid, reason: "refusing to lower \(path): it is at h/r/s \(current.hrs), "
                + "\(source) only at \(incoming.hrs); nothing changed")
        }
        try record(incoming, file)
        return .raised(from: current, to: incoming)
    }

    /// Reads the state at `path` while holding its lock, so the value is final: no signer can move it on.
    public static func readStopped(path: String) throws(StateError) -> LastSignState {
        let file = StateFile(path: path)
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(path, file.directory) }
        let lock = try StateLock(statePath: path)
        defer { withExtendedLifetime(lock) {} }
        guard let (state, _) = try load(file) else {
            throw StateError(code: .unreadable, reason: "no state file at \(path): nothing has been signed with it")
        }
        return state
    }

    /// Writes `text` (an export) to `path` durably unless `path` already holds a state at or above `state`.
    public static func writeExport(_ text: String, of state: LastSignState, to path: String) throws(StateError) {
        let file = StateFile(path: path)
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(path, file.directory) }
        if let (existing, _) = try file.load(), order(existing) > order(state) {
            throw StateError(code: .invalid, reason: "refusing to lower \(path): it is at h/r/s \(existing.hrs), "
                + "the export only at \(state.hrs); nothing changed")
        }
        try file.persist(bytes: Array(text.utf8))
    }

    /// The state in another signer's format. For tmkms without a known block the watermark moves to the next
    /// round: tmkms would otherwise sign nil again at the same height/round/step, where Sigil may have signed a
    /// block; refusing the rest of one round costs at most that round, never a double sign.
    public static func render(_ state: LastSignState, as format: StateExportFormat, block: SignedBlock) -> String {
        switch format {
        case .cometbft:
            return render(state) + "\n"
        case .horcrux:
            return StateFileFormat.render(state, horcrux: true) + "\n"
        case .tmkms:
            var (round, step, blockJSON) = (Int64(state.round), max(0, Int(state.step.rawValue) - 1), "null")
            switch block {
            case .unknown where state.step != .none:
                (round, step) = (round + 1, 0)
            case .block(let hash, let total, let partsHash):
                blockJSON = "{\"hash\":\"\(Hex.encode(hash, uppercase: true))\",\"parts\":{\"total\":\(total),"
                    + "\"hash\":\"\(Hex.encode(partsHash, uppercase: true))\"}}"
            default:
                break
            }
            return "{\"height\":\"\(state.height)\",\"round\":\"\(round)\",\"step\":\(step),\"block_id\":\(blockJSON)}\n"
        }
    }

    static func order(_ s: LastSignState) -> (Int64, Int32, Int8) { (s.height, s.round, s.step.rawValue) }
}
