/// State-file access for commands such as `sigil state show|set|import`, outside a running signer.
public enum StateFiles {
    /// Reads a state file in either supported shape; nil when it does not exist. `fromTmkms` is true for a
    /// tmkms/tendermint-rs file (steps already converted to FilePV numbering, no sign bytes).
    public static func read(path: String) throws(StateError) -> (state: LastSignState, fromTmkms: Bool)? {
        guard let (state, origin) = try StateFile(path: path).load() else { return nil }
        return (state, origin == .tmkms)
    }

    /// Replaces the state file durably, in CometBFT's shape, while holding the chain's state lock, so it
    /// fails rather than race a running signer.
    public static func write(_ state: LastSignState, path: String) throws(StateError) {
        let file = StateFile(path: path)
        guard file.fs.isDirectory(file.directory) else { throw StateError.missingDirectory(path, file.directory) }
        let lock = try StateLock(statePath: path)
        file.removeStaleTemps()
        try file.persist(state)
        withExtendedLifetime(lock) {}
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
