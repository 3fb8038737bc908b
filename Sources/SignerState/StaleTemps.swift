import Glibc

extension StateFile {
    /// The name `persist` gives its temporary file: `.<state file name>.tmp-<pid>-<random>`.
    func isOwnTempName(_ name: String) -> Bool {
        let prefix = ".\(fileName).tmp-"
        guard name.hasPrefix(prefix) else { return false }
        let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (48...57).contains($0) } }
    }

    /// Removes temporary files that writes interrupted by a crash left behind. Only call with the chain's state
    /// lock held: then no other process is writing this state, so every file of `persist`'s pattern is stale.
    /// Only regular files with exactly that name pattern are touched. Returns how many were removed.
    @discardableResult
    func removeStaleTemps() -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard isOwnTempName(name) else { continue }
            var st = stat()
            let full = "\(directory)/\(name)"
            guard lstat(full, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            if unlink(full) == 0 { removed += 1 }
        }
        return removed
    }

    /// `removeStaleTemps` for this state file and for its journal's creation, which uses the same pattern; the
    /// state lock must be held. Returns how many were removed.
    @discardableResult
    func removeStaleTempsWithJournal() -> Int {
        removeStaleTemps() + StateFile(path: StateJournal.path(forStateFile: path), fs: fs).removeStaleTemps()
    }
}
