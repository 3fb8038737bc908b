import Foundation
import KeyFormats
import SigilCrypto

/// A throwaway Sigil home laid out like `sigil init` makes one.
struct DemoHome {
    let root: URL
    let chainID: String

    init(chainID: String) throws {
        self.chainID = chainID
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-demo-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("state"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("secrets"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try SoftsignKey.write(seed: Ed25519.PrivateKey.generate().seed, path: path("secrets/priv_validator_key.json"))
        try SoftsignKey.write(seed: Ed25519.PrivateKey.generate().seed, path: path("secrets/kms-identity.key"))
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }
    var configPath: String { path("tmkms.toml") }
    var stateFile: String { path("state/\(chainID)-consensus.json") }

    func writeConfig(addr: String) throws {
        let text = """
            [[chain]]
            id = "\(chainID)"
            key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
            state_file = "\(stateFile)"

            [[providers.softsign]]
            chain_ids = ["\(chainID)"]
            key_type = "consensus"
            path = "\(path("secrets/priv_validator_key.json"))"

            [[validator]]
            chain_id = "\(chainID)"
            addr = "\(addr)"
            secret_key = "\(path("secrets/kms-identity.key"))"
            protocol_version = "v0.37"
            reconnect = true

            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
