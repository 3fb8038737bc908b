import ArgumentParser
import KeyFormats
import SigilCrypto
import Signer
import SignerConfig

struct Softsign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Software-signer key management (TMKMS-compatible key files).",
        subcommands: [Keygen.self, Import.self])

    /// The bech32 prefix: `--prefix`, else the first chain's consensus prefix in the config, else KIRA's.
    struct PrefixOptions: ParsableArguments {
        @Option(name: [.short, .long], help: "Bech32 prefix for the printed consensus key.")
        var prefix: String?

        @Option(name: [.short, .customLong("config")], help: "tmkms.toml to take the prefix from.")
        var config: String?

        /// `--prefix` wins; otherwise the first chain's `key_format` in the config; otherwise KIRA's bech32 prefix.
        func render(_ key: Ed25519.PublicKey) throws -> String {
            if let prefix { return ConsensusPubKey(key).bech32(hrp: prefix) }
            if let chain = try chainFromConfig() { return chain.format(key) }
            return ConsensusPubKey(key).bech32(hrp: "kiravalconspub")
        }

        /// The config's first chain. A config named with `-c` must parse (its key files need not exist yet: this
        /// may be the command that makes them); a config found on its own is skipped when it does not.
        func chainFromConfig() throws -> ChainConfig? {
            guard prefix == nil, let path = ConfigLocator.find(explicit: config) else { return nil }
            do {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ValidationError("cannot read \(path) for the key prefix; fix -c or pass --prefix")
                }
                return try SignerConfig.parse(text, file: path).chains.first
            } catch {
                if config != nil { throw error }
                return nil
            }
        }

        /// Refuses a broken `-c` before a key is written, so the command fails with nothing created.
        func validate() throws { _ = try chainFromConfig() }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a new Ed25519 consensus key (base64 seed, mode 0600, never overwrites).")

        @Argument(help: "Output key file.") var path: String
        @OptionGroup var prefix: PrefixOptions

        func run() throws {
            let key = Ed25519.PrivateKey.generate()
            try SoftsignKey.write(seed: key.seed, path: path)
            print("Generated consensus key \(path)")
            print(try prefix.render(key.publicKey))
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CometBFT priv_validator_key.json into a TMKMS softsign key file.")

        @Argument(help: "priv_validator_key.json from the node.") var input: String
        @Argument(help: "Output key file (base64 seed, mode 0600).") var output: String
        @OptionGroup var prefix: PrefixOptions

        func run() throws {
            let key = try ValidatorKeyFile.load(input).privateKey
            try SoftsignKey.write(seed: key.seed, path: output)
            print("Imported \(input) into \(output)")
            print(try prefix.render(key.publicKey))
        }
    }
}
