import Foundation

/// TMKMS's lookup order for the config file: `-c PATH`, then `$TMKMS_CONFIG_FILE`, then `./tmkms.toml`.
public enum ConfigLocator {
    public static func find(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if let explicit { return explicit }
        if let env = environment["TMKMS_CONFIG_FILE"], !env.isEmpty { return env }
        return FileManager.default.fileExists(atPath: "tmkms.toml") ? "tmkms.toml" : nil
    }

    public static func notFound(explicit: String?) -> SignerError {
        SignerError(
            code: .startup,
            reason: "no config file: pass -c PATH, set TMKMS_CONFIG_FILE, or create ./tmkms.toml (sigil init DIR writes one)")
    }
}
