/// State access for commands such as `sigil state show|set|import`, outside a running signer. A chain's state is
/// the higher of its state file and the journal beside it (`<state_file>.journal`), as the signer loads it.
public enum StateFiles {
    /// Reads a chain's state: the higher of the state file (either supported shape) and its journal; nil when
    /// neither exists. `fromTmkms` is true when the answer is a tmkms/tendermint-rs file (steps already
    /// converted to FilePV numbering, no sign bytes).
    public static func read(path: String) throws(StateError) -> (state: LastSignState, fromTmkms: Bool)? {
        let file = StateFile(path: path)
        let stored = try file.load()
        let journaled = try StateJournal.read(path: StateJournal.path(forStateFile: path), fs: file.fs)?.state
        if let (state, origin) = stored, journaled.map({ state.isAhead(of: $0) }) ?? true {
            return (state, origin == .tmkms)
        }
        return journaled.map { ($0, false) }
    }

    /// Records `state` durably in the journal, then in the state file in CometBFT's shape, while holding the
    /// chain's state lock, so it fails rather than race a running signer.
    public static func write(_ state: LastSignState, path: String) throws(StateError) {
        let file = StateFile(path: path)
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(path, file.directory) }
        let lock = try StateLock(statePath: path)
        try StateJournal(path: StateJournal.path(forStateFile: path), fs: file.fs).record(state)
        try file.persist(state)
        withExtendedLifetime(lock) {}
    }

    /// The JSON text `write` would store.
    public static func render(_ state: LastSignState) -> String {
        String(decoding: StateFileFormat.encode(state), as: UTF8.self)
    }
}
