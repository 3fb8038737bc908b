import Foundation
import KeyFormats
import SigilCrypto
import Signer
import SignerConfig
import TOML

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
    var stateFile: String { path("state/\(chainID)_priv_validator_state.json") }

    /// `stateBackend`: an etcd `state_backend` for the chain (`sigil bench --state-backend`).
    func writeConfig(addr: String, stateBackend: EtcdBackendConfig? = nil) throws {
        var text = try ConfigTemplate.render(
            chainID: chainID, accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub", home: root.path,
            validatorAddr: addr, consensusKeyFile: "priv_validator_key.json")
        if let stateBackend {
            let stateLine = "state_file = \(TOML.quoted(stateFile))\n"
            text = text.replacingOccurrences(of: stateLine, with: stateLine + "state_backend = \(stateBackend.inlineTOML)\n")
        }
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
