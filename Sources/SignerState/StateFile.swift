import Glibc

/// One chain's `priv_validator_state.json` on disk: reads either supported shape, writes FilePV's, durably.
struct StateFile: Sendable {
    let path: String
    let fs: any StateFileSystem
    /// Split once: every write names both, and searching the path each time cost more than the rest of the write.
    let directory: String
    let fileName: String

    init(path: String, fs: any StateFileSystem = SystemFileSystem()) {
        self.path = path
        self.fs = fs
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            fileName = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            fileName = path
        }
    }

    /// A FilePV state file is under 1 KiB; anything past this is not one.
    static let maxSize = 64 * 1024

    /// The stored state and its shape, or nil when there is no file.
    func load() throws(StateError) -> (LastSignState, StateFileFormat.Origin)? {
        let bytes: [UInt8]?
        do { bytes = try fs.read(path, limit: StateFile.maxSize) } catch { throw StateError.unreadable(path, error) }
        guard let bytes else { return nil }
        return try StateFileFormat.decode(bytes, path: path)
    }

    /// Replaces the file so that after a crash it holds either the old or the new state, never a mix, and the
    /// new state survives power loss once this returns: temp file in the same directory, write, fsync, rename
    /// over the old file, fsync the directory. Any failure throws; the caller must then withhold the signature.
    func persist(_ state: LastSignState) throws(StateError) {
        try persist(bytes: StateFileFormat.encode(state))
    }

    /// `persist` for a file in any shape (an export for another signer).
    func persist(bytes: [UInt8]) throws(StateError) {
        do { try replace(bytes: bytes) } catch { throw StateError.persistFailed(path, error) }
    }

    /// `persist` with the failed system call as the error (the journal's mirror words its own message).
    func replace(with state: LastSignState) throws(SystemCallError) {
        try replace(bytes: StateFileFormat.encode(state))
    }

    private func replace(bytes: [UInt8]) throws(SystemCallError) {
        let temp = "\(directory)/.\(fileName).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var tempExists = false
        do throws(SystemCallError) {
            let fd = try fs.createExclusive(temp, mode: 0o600)
            tempExists = true
            do throws(SystemCallError) {
                try fs.write(fd, bytes, path: temp)
                try fs.fsync(fd, path: temp)
            } catch {
                fs.close(fd)
                throw error
            }
            fs.close(fd)
            try fs.rename(temp, path)
            tempExists = false
            let dir = try fs.openDirectory(directory)
            defer { fs.close(dir) }
            try fs.fsync(dir, path: directory)
        } catch {
            if tempExists { fs.unlink(temp) }
            throw error
        }
    }
}
