/// State access for commands such as `sigil state show|set|import`, outside a running signer. A chain's state is
/// the higher of its state file and the journal beside it (`<state_file>.journal`), as the signer loads it.
public enum StateFiles {
    /// Reads a chain's state: the higher of the state file (either supported shape) and its journal; nil when
    /// neither exists. `fromTmkms` is true when the answer is a tmkms/tendermint-rs file (steps already
    /// converted to FilePV numbering, no sign bytes).
    public static func read(path: String) throws(StateError) -> (state: LastSignState, fromTmkms: Bool)? {
        try load(StateFile(path: path)).map { ($0.0, $0.1 == .tmkms) }
    }

    /// Records `state` durably in the journal, then in the state file in CometBFT's shape, while holding the
    /// chain's state lock, so it fails rather than race a running signer.
    public static func write(_ state: LastSignState, path: String) throws(StateError) {
        let file = StateFile(path: path)
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(path, file.directory) }
        let lock = try StateLock(statePath: path)
        file.removeStaleTempsWithJournal()
        try record(state, file)
        withExtendedLifetime(lock) {}
    }

    /// The higher of `file` and its journal. On a tie the file, so its shape is reported (a TMKMS file written
    /// back by `sigil state export`); the signer itself takes the journal's record there, which has the signature.
    static func load(_ file: StateFile) throws(StateError) -> (LastSignState, StateFileFormat.Origin)? {
        let stored = try file.load()
        let journaled = try StateJournal.read(path: StateJournal.path(forStateFile: file.path), fs: file.fs)?.state
        if let (state, origin) = stored, journaled.map({ !$0.isAhead(of: state) }) ?? true { return (state, origin) }
        return journaled.map { ($0, .cometbft) }
    }

    /// Writes `state` into the journal beside `file`, then into `file`; the caller holds the lock.
    static func record(_ state: LastSignState, _ file: StateFile) throws(StateError) {
        try StateJournal(path: StateJournal.path(forStateFile: file.path), fs: file.fs).record(state)
        try file.persist(state)
    }

    /// The JSON text `write` would store.
    public static func render(_ state: LastSignState) -> String {
        String(decoding: StateFileFormat.encode(state), as: UTF8.self)
    }

    /// The pid of the signer holding the chain's lock ("unknown" when it wrote none), nil when none holds it.
    public static func lockHolder(path: String) -> String? {
        let (held, holder) = StateLock.probe(statePath: path)
        return held ? holder ?? "unknown" : nil
    }
}
