import Glibc

/// The journal file beside a state file (`<state_file>.journal`): the durable copy of the last signed state on
/// the signing path, one `pwrite` and one `fdatasync` per signature into a preallocated file (JournalRecord).
final class StateJournal: @unchecked Sendable {
    let path: String
    private let fs: any StateFileSystem
    private let fd: Int32
    private var sequence: UInt64

    static func path(forStateFile statePath: String) -> String { statePath + ".journal" }

    /// What a journal file holds, without opening it for writing; nil when there is none or it is blank.
    static func read(path: String, fs: any StateFileSystem) throws(StateError) -> JournalRecord.Entry? {
        try load(path: path, fs: fs).flatMap { bytes throws(StateError) in try entry(bytes, path: path) }
    }

    private static func load(path: String, fs: any StateFileSystem) throws(StateError) -> [UInt8]? {
        do { return try fs.read(path, limit: JournalRecord.fileSize) } catch { throw StateError.unreadable(path, error) }
    }

    private static func entry(_ bytes: [UInt8], path: String) throws(StateError) -> JournalRecord.Entry? {
        guard bytes.count == JournalRecord.fileSize else {
            throw StateError.damagedJournal(path, "\(bytes.count) bytes, a journal has \(JournalRecord.fileSize)")
        }
        switch JournalRecord.recover(bytes) {
        case .blank: return nil
        case .entry(let entry): return entry
        case .damaged: throw StateError.damagedJournal(path, "neither slot holds a readable record")
        }
    }

    /// Opens the journal for writing, creating it preallocated (zeros, synced, then renamed into place) when
    /// missing, and reads the newest good record in it.
    init(path: String, fs: any StateFileSystem) throws(StateError) {
        self.path = path
        self.fs = fs
        var existing: JournalRecord.Entry?
        if let bytes = try StateJournal.load(path: path, fs: fs) {
            existing = try StateJournal.entry(bytes, path: path)
        } else {
            try StateJournal.create(path, fs)
        }
        do { fd = try fs.openReadWrite(path) } catch { throw StateError.unreadable(path, error) }
        sequence = existing?.sequence ?? 0
        latest = existing?.state
    }

    /// The state of the newest good record when the journal was opened.
    let latest: LastSignState?

    deinit { fs.close(fd) }

    /// Writes `state` over the older slot and syncs it. When this returns the state is durable; when it throws,
    /// the newest good record is still the previous one and the signature must be withheld.
    func record(_ state: LastSignState) throws(StateError) {
        guard let bytes = JournalRecord.encode(state, sequence: sequence + 1) else {
            throw StateError(code: .persistFailed, reason: "cannot save state journal \(path): sign bytes of "
                + "\(state.signBytes.count) bytes exceed its \(JournalRecord.maxSignBytes); the signature was withheld")
        }
        do throws(SystemCallError) {
            try fs.pwrite(fd, bytes, offset: JournalRecord.offset(of: sequence + 1), path: path)
            try fs.fdatasync(fd, path: path)
            // A journal deleted or moved under a running signer (its directory removed or renamed) would take every
            // write where the next start will not look.
            guard try fs.stillNames(path, fd) else { throw SystemCallError(call: "stat", path: path, errno: ENOENT) }
        } catch {
            throw StateError.persistFailed(path, error)
        }
        sequence += 1
    }

    /// Zeros written to a temp file, synced, renamed into place, directory synced: the state file's own replace,
    /// so a crash leaves no half-sized journal and its temp name is cleaned up like the state file's.
    private static func create(_ path: String, _ fs: any StateFileSystem) throws(StateError) {
        let zeros = [UInt8](repeating: 0, count: JournalRecord.fileSize)
        try StateFile(path: path, fs: fs.syncingAlways()).persist(bytes: zeros)
    }
}
