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
        guard ConfigTemplate.networks[network] != nil else {
            throw ValidationError("--networks `\(network)' is not a network Sigil has a template for; use "
                + ConfigTemplate.networks.keys.sorted().joined(separator: ", "))
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: home, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("\(home) exists and is not a directory; give a new or existing directory")
        }
        if fm.fileExists(atPath: configPath) {
            throw ValidationError("\(configPath) already exists; Sigil never overwrites a config (remove it first)")
        }
        let identityPath = home + "/secrets/kms-identity.key"
        if fm.fileExists(atPath: identityPath) {
            throw ValidationError("\(identityPath) already exists; Sigil never overwrites a key (move it away first)")
        }
        // Rendered (and read back) before anything is created, so a home the template cannot hold changes nothing.
        let template = try ConfigTemplate.render(network: network, home: home)
        try fm.createDirectory(atPath: home + "/state", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: home + "/secrets", withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        let identity = Ed25519.PrivateKey.generate()
        try SoftsignKey.write(seed: identity.seed, path: identityPath)
        guard fm.createFile(atPath: configPath, contents: Data(template.utf8), attributes: [.posixPermissions: 0o644])
        else { throw ValidationError("cannot write \(configPath); check the directory's permissions") }
        print("Created \(configPath)")
        print("Created \(identityPath) (KMS node ID \(SecretConnection.peerID(of: identity.publicKey)))")
        print("Created \(home)/state/")
        print("Next: sigil softsign import priv_validator_key.json \(home)/secrets/priv_validator_key.json")
    }
}
