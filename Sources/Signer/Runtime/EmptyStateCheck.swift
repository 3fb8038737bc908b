import Foundation
import SignerConfig
import SignerState

/// Starting from an empty state while the chain's real watermark sits in an old signer's (or the node's) state
/// file is how a cutover double-signs, so `sigil start` refuses unless told otherwise.
public enum EmptyStateCheck {
    /// The flag that overrides the refusal, as the operator types it.
    public static let flag = "--accept-empty-state"

    /// Throws when `chain`'s state is empty (missing or at height 0) and a state above height 0 is found at one of
    /// the usual places; returns a line to log naming where it looked when the state is empty and nothing was
    /// found (or `accept` overrode a finding); nil when the state is not empty.
    public static func run(chain: ChainConfig, configPath: String, accept: Bool,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let (state, _) = try StateFiles.read(path: chain.stateFile), state.height > 0 { return nil }
        let cwd = FileManager.default.currentDirectoryPath
        let places = PriorState.usualPlaces(
            chainID: chain.id, configDirectory: absolute(directory(of: configPath), cwd: cwd),
            home: environment["HOME"], workingDirectory: cwd)
        let found = PriorState.search(places, excluding: absolute(chain.stateFile, cwd: cwd))
        let looked = "looked in " + places.joined(separator: ", ")
        guard !found.isEmpty else {
            return "chain \(chain.id): no older state found for it on this host (\(looked)); a signer on another "
                + "machine cannot be detected"
        }
        let listed = found.map { "\($0.path) (\($0.what))" }.joined(separator: ", ")
        if accept { return "chain \(chain.id): \(flag) given, ignoring \(listed)" }
        throw SignerError(
            code: .startup,
            reason: "refusing to start chain \(chain.id) from an empty state (\(chain.stateFile)) while \(listed) "
                + "exists: carry it over with `sigil state import \(found[0].path) -c \(configPath)`, or pass \(flag) "
                + "if that file is not this key's watermark on \(chain.id) (\(looked))")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func absolute(_ path: String, cwd: String) -> String { path.hasPrefix("/") ? path : "\(cwd)/\(path)" }
}
