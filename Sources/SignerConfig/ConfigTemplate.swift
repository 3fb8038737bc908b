import TOML

/// The commented `tmkms.toml` that `sigil init` writes (tmkms `init` templates, updated for KIRA).
public enum ConfigTemplate {
    /// A known network's defaults for the template.
    public struct Network: Sendable {
        public var chainID: String
        public var accountKeyPrefix: String
        public var consensusKeyPrefix: String
        public var protocolVersion: ValidatorConfig.ProtocolVersion
    }

    /// KIRA's sekaid: CometBFT v0.37, bech32 prefixes `kirapub` / `kiravalconspub`. The chain id is a
    /// placeholder the operator must check against `sekaid status`.
    public static let kira = Network(
        chainID: "kira-1", accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub", protocolVersion: .v0_37)

    public static let networks: [String: Network] = ["kira": kira]

    /// The template for a known network (`kira`), with paths under `home`.
    public static func render(network: String, home: String) throws(ConfigError) -> String {
        guard let n = networks[network] else {
            throw ConfigError(
                .invalidValue, "--networks", 0,
                "unknown network `\(network)`; known: \(networks.keys.sorted().joined(separator: ", "))")
        }
        // KIRA's guide names the softsign file priv_validator_key.json; keep its name so its steps apply as written.
        return try render(
            chainID: n.chainID, accountKeyPrefix: n.accountKeyPrefix, consensusKeyPrefix: n.consensusKeyPrefix,
            home: home, protocolVersion: n.protocolVersion, consensusKeyFile: "priv_validator_key.json")
    }

    /// The template for any bech32 chain. Paths are absolute when `home` is, since tmkms resolves relative
    /// paths against the working directory, not the config file. Every value is escaped, and the text is parsed
    /// back and compared with the inputs before it is returned, so a path with a quote or a newline can never
    /// produce a config that `sigil start` rejects or reads differently.
    public static func render(
        chainID: String, accountKeyPrefix: String, consensusKeyPrefix: String, home: String,
        validatorAddr: String = "tcp://10.200.0.1:26659", protocolVersion: ValidatorConfig.ProtocolVersion = .v0_37,
        consensusKeyFile: String? = nil, tunnel: String? = nil
    ) throws(ConfigError) -> String {
        let dir = home.hasSuffix("/") ? String(home.dropLast()) : home
        let q = TOML.quoted
        let stateFile = "\(dir)/state/\(chainID)_priv_validator_state.json"
        let keyFile = "\(dir)/secrets/\(consensusKeyFile ?? "\(chainID)-consensus.key")"
        let identity = "\(dir)/secrets/kms-identity.key"
        // An inline table must stay on one line in TOML.
        let keyFormat = "key_format = { type = \"bech32\", account_key_prefix = \(q(accountKeyPrefix)), "
            + "consensus_key_prefix = \(q(consensusKeyPrefix)) }"
        let text = """
            # Sigil configuration (tmkms.toml format: any tmkms v0.15 softsign config also works here).
            # Paths are relative to the working directory when not absolute, as in tmkms.

            ## Chains this signer signs for.
            #
            # - id: the chain id; must equal the node's (`sekaid status`), requests for other chains are refused.
            # - key_format: how public keys are printed in logs and by `sigil softsign`.
            # - state_file: last signed height/round/step (CometBFT priv_validator_state.json format). Sigil
            #   refuses to go backwards from it. When moving from another signer, stop that signer first and
            #   carry its newest state over with `sigil state import <its state file>` (after TMKMS that is
            #   TMKMS's state file, not the node's); never run two signers on one key.
            # - sign_extensions: sign CometBFT v0.38 vote extensions (not needed for v0.34 / v0.37 chains).
            [[chain]]
            id = \(q(chainID))
            \(keyFormat)
            state_file = \(q(stateFile))
            sign_extensions = false

            ## The consensus key (one per chain).
            #
            # - path: base64 seed file (`sigil softsign keygen` / `sigil softsign import priv_validator_key.json`),
            #   or the node's priv_validator_key.json itself with key_format = "json". Must be mode 600.
            [[providers.softsign]]
            chain_ids = [\(q(chainID))]
            key_type = "consensus"
            path = \(q(keyFile))
            # key_format = "json"

            ## Validator nodes to connect to (one [[validator]] per node or sentry; they share the chain's state).
            #
            # - addr: the node's priv_validator_laddr, as tcp://[<node id>@]host:port or unix:///path.
            # - secret_key: this signer's Secret Connection identity (tcp only; created by `sigil init`).
            # - protocol_version: v0.34, v0.37 or v0.38 (sekaid runs CometBFT v0.37).
            # - reconnect: dial again after a dropped connection.
            # - timeout: socket read/write timeout in seconds (default 10).
            # - max_height: refuse to sign above this height (optional).
            # - tunnel: only dial when the route to addr goes through this interface, e.g. "wg0" (optional).
            [[validator]]
            chain_id = \(q(chainID))
            addr = \(q(validatorAddr))
            secret_key = \(q(identity))
            protocol_version = "\(protocolVersion.rawValue)"
            reconnect = true
            # timeout = 10
            # max_height = 1000000
            \(tunnel.map { "tunnel = \(q($0))" } ?? "# tunnel = \"wg0\"")

            """
        let back = try SignerConfig.parse(text, file: "the generated config")
        let chain = back.chains.first, key = back.softsign.first, v = back.validators.first
        guard chain?.id == chainID, chain?.stateFile == stateFile, key?.path == keyFile, v?.chainID == chainID,
              v?.secretKey == identity || v?.addr.isUnix == true, v?.tunnel == tunnel else {
            throw ConfigError(.invalidValue, "the generated config", 0, "does not read back as written; "
                + "choose a plainer home directory")
        }
        return text
    }
}
