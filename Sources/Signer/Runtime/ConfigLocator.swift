import Foundation

/// TMKMS's lookup order for the config file: `-c PATH`, then `$TMKMS_CONFIG_FILE`, then `./tmkms.toml`; Sigil
/// writes and documents `tmkms.toml` everywhere, but also finds a `./sigil.toml` and says so (`note`).
public enum ConfigLocator {
    public static func find(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if let explicit { return explicit }
        if let env = environment["TMKMS_CONFIG_FILE"], !env.isEmpty { return env }
        if FileManager.default.fileExists(atPath: "tmkms.toml") { return "tmkms.toml" }
        return FileManager.default.fileExists(atPath: otherName) ? otherName : nil
    }

    static let otherName = "sigil.toml"

    /// A line to log when the config was found under the other name.
    public static func note(for path: String) -> String? {
        path == otherName
            ? "reading ./sigil.toml: Sigil's config file is named tmkms.toml (as TMKMS's, and as `sigil init` and "
                + "`sigil provision` write it); rename it to keep one name" : nil
    }

    public static func notFound(explicit: String?) -> SignerError {
        SignerError(
            code: .startup,
            reason: "no config file: pass -c PATH, set TMKMS_CONFIG_FILE, or create ./tmkms.toml (sigil init DIR writes one)")
    }
}
