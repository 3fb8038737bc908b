import Foundation

/// Where an old signer or the node itself keeps a chain's watermark, so `sigil start` can refuse to begin from
/// nothing while the real watermark sits elsewhere on this host.
public enum PriorState {
    /// The places to look for chain `chainID`, in order, without duplicates: tmkms's layouts beside the config
    /// and in `~/.tmkms`, tmkms's default `./<chain>_priv_validator_state.json`, and the node homes of sekaid and
    /// CometBFT (`data/priv_validator_state.json`).
    public static func usualPlaces(chainID: String, configDirectory: String, home: String?,
                                   workingDirectory: String) -> [String] {
        var dirs = [configDirectory, workingDirectory]
        if let home { dirs.append("\(home)/.tmkms") }
        dirs.append("/etc/tmkms")
        var places: [String] = []
        for dir in dirs {
            places += ["\(dir)/state/\(chainID)-consensus.json", "\(dir)/state/\(chainID)_priv_validator_state.json",
                       "\(dir)/\(chainID)_priv_validator_state.json"]
        }
        let nodeHomes = (home.map { ["\($0)/.sekaid", "\($0)/.cometbft", "\($0)/.tendermint"] } ?? []) + ["/sekai"]
        places += nodeHomes.map { "\($0)/data/priv_validator_state.json" }
        var seen = Set<String>()
        return places.map(normalised).filter { seen.insert($0).inserted }
    }

    /// The places in `places` (other than `excluding`) that hold a state above height 0. Unreadable or invalid
    /// files count as found too: they may hold the watermark, and only the operator can tell.
    public static func search(_ places: [String], excluding: String) -> [(path: String, what: String)] {
        places.filter { $0 != normalised(excluding) }.compactMap { path in
            do {
                guard let (state, origin) = try StateFile(path: path).load(), state.height > 0 else { return nil }
                return (path, "h/r/s \(state.hrs)\(origin == .tmkms ? " (tmkms file)" : "")")
            } catch {
                // Unreadable but there (e.g. another user's mode 600 file): it may hold the watermark. A path this
                // user cannot even look into (another user's home) is not reported.
                return FileManager.default.fileExists(atPath: path) ? (path, "unreadable: \(error)") : nil
            }
        }
    }

    /// `a/./b//c` → `a/b/c`, so the configured state file is recognised among the places.
    static func normalised(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }
}
