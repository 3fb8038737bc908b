import ArgumentParser
import Foundation
import KeyFormats
import SecretConnection
import SigilCrypto
import Signer
import SignerConfig

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a Sigil home: tmkms.toml template, secrets/kms-identity.key and state/.")

    @Argument(help: "Directory to create (like `tmkms init KMS_HOME`).") var home: String
    @Option(name: [.short, .customLong("networks")], help: "Network for the template (kira).") var network = "kira"

    func run() throws {
        let fm = FileManager.default
        let configPath = home + "/tmkms.toml"
        if fm.fileExists(atPath: configPath) {
            throw ValidationError("\(configPath) already exists; Sigil never overwrites a config (remove it first)")
        }
        try fm.createDirectory(atPath: home + "/state", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: home + "/secrets", withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        let identity = Ed25519.PrivateKey.generate()
        try SoftsignKey.write(seed: identity.seed, path: home + "/secrets/kms-identity.key")
        let template = try ConfigTemplate.render(network: network, home: home)
        try template.write(toFile: configPath, atomically: true, encoding: .utf8)
        print("Created \(configPath)")
        print("Created \(home)/secrets/kms-identity.key (KMS node ID \(SecretConnection.peerID(of: identity.publicKey)))")
        print("Created \(home)/state/")
        print("Next: sigil softsign import priv_validator_key.json \(home)/secrets/priv_validator_key.json")
    }
}
