import TOML

/// Turns the TOML tree into `SignerConfig`, with tmkms's field names and Sigil's cross-checks.
struct ConfigParser {
    let file: String
    var warnings: [String] = []

    init(file: String) { self.file = file }

    mutating func parse(_ root: TOMLTable) throws(ConfigError) -> SignerConfig {
        // Sections older tmkms releases had: name them rather than calling them unknown.
        for old in ["tx_signer", "prometheus"] where root[old] != nil {
            throw ConfigError(
                .unknownField, file, root.keyLine(old) ?? 1,
                "`\(old)` (from older tmkms releases) is not supported by Sigil; remove that section")
        }
        let top = try TableReader(root, file: file, name: "the top level", allowed: ["chain", "providers", "validator", "metrics", "logging"])
        let chains = try tables(top, "chain").map { (t) throws(ConfigError) in try chain(t) }
        var seen: [String: Int] = [:]
        for c in chains {
            if let first = seen[c.id] {
                throw ConfigError(
                    .duplicateChain, file, c.line,
                    "[[chain]] id = \"\(c.id)\" is defined twice (first at line \(first)); keep one [[chain]] per chain id")
            }
            seen[c.id] = c.line
        }
        let softsign = try providers(top)
        let validators = try tables(top, "validator").map { (t) throws(ConfigError) in try validator(t) }
        if root.keys.isEmpty {
            throw ConfigError(.missingField, file, 1, "the config is empty; write one with `sigil init <dir>` "
                + "or copy your tmkms.toml here")
        }
        if validators.isEmpty {
            throw ConfigError(.missingField, file, 1, "no [[validator]] is defined, so there is nothing to sign for; "
                + "add [[validator]] with addr and chain_id (see `sigil init`)")
        }
        try crossCheck(chains: chains, softsign: softsign, validators: validators)
        var config = SignerConfig(chains: chains, softsign: softsign, validators: validators, warnings: warnings)
        if let t = try top.table("metrics") { config.metrics = try metrics(t) }
        if let t = try top.table("logging") { config.logFormat = try logging(t) }
        return config
    }

    /// `[[name]]` entries; a plain `[name]` table is the classic mistake, so it gets its own message.
    private func tables(_ reader: TableReader, _ key: String, in name: String = "") throws(ConfigError) -> [TOMLTable] {
        guard let value = reader.table[key] else { return [] }
        let full = name.isEmpty ? key : "\(name).\(key)"
        guard let array = value.array else {
            throw ConfigError(.wrongType, file, value.line, "`\(full)` must be an array of tables; write [[\(full)]]")
        }
        var out: [TOMLTable] = []
        for element in array {
            guard let t = element.table else {
                throw ConfigError(.wrongType, file, element.line,
                    "`\(full)` must be an array of tables; write [[\(full)]]")
            }
            out.append(t)
        }
        return out
    }

    private mutating func chain(_ t: TOMLTable) throws(ConfigError) -> ChainConfig {
        let r = try TableReader(
            t, file: file, name: "[[chain]]",
            allowed: ["id", "key_format", "sign_bytes", "sign_extensions", "state_backend", "state_file", "state_hook"])
        let id = try r.requiredString("id", example: "\"kira-1\"")
        try checkChainID(id, key: "id", line: r.line("id"))
        let name = "[[chain]] id = \"\(id)\""
        guard let kf = try r.table("key_format") else {
            throw ConfigError(
                .missingField, file, t.line,
                "\(name) is missing `key_format`; add key_format = { type = \"bech32\", account_key_prefix = "
                    + "\"kirapub\", consensus_key_prefix = \"kiravalconspub\" }")
        }
        let stateFile = try r.string("state_file") ?? "./\(id)_priv_validator_state.json"
        if stateFile.isEmpty {
            throw ConfigError(.invalidValue, file, r.line("state_file"),
                "`state_file` in \(name) is empty; remove it or set a path")
        }
        if let hook = try r.table("state_hook") {
            _ = try TableReader(hook, file: file, name: "state_hook", allowed: ["cmd", "timeout_secs", "fail_closed"])
            warnings.append(
                "\(file):\(r.line("state_hook")): state_hook for chain \(id) is not supported by Sigil and is ignored; "
                    + "keep the state file itself current instead")
        }
        let signExtensions = try r.bool("sign_extensions")
        let backend = try r.table("state_backend")
        return ChainConfig(
            id: id, keyFormat: try keyFormat(kf, chain: name), stateFile: stateFile,
            signExtensions: signExtensions ?? false, line: t.line,
            signExtensionsLine: signExtensions.map { _ in r.line("sign_extensions") },
            signBytes: try r.bool("sign_bytes") ?? false,
            stateBackend: try backend.map { (b) throws(ConfigError) in try stateBackend(b, name: name) })
    }

    private func keyFormat(_ t: TOMLTable, chain: String) throws(ConfigError) -> ChainConfig.KeyFormat {
        let loose = try TableReader(
            t, file: file, name: "key_format of \(chain)",
            allowed: ["type", "account_key_prefix", "consensus_key_prefix"])
        let type = try loose.requiredString("type", example: "\"bech32\"")
        switch type {
        case "bech32":
            return .bech32(
                accountKeyPrefix: try loose.requiredString("account_key_prefix", example: "\"kirapub\""),
                consensusKeyPrefix: try loose.requiredString("consensus_key_prefix", example: "\"kiravalconspub\""))
        case "hex", "cosmos-json":
            _ = try TableReader(t, file: file, name: "key_format type \"\(type)\" of \(chain)", allowed: ["type"])
            return type == "hex" ? .hex : .cosmosJSON
        default:
            throw ConfigError(
                .invalidValue, file, loose.line("type"),
                "key_format type \"\(type)\" of \(chain) is not one of \"bech32\", \"hex\", \"cosmos-json\"")
        }
    }

    private mutating func providers(_ top: TableReader) throws(ConfigError) -> [SoftsignProvider] {
        guard let t = try top.table("providers") else { return [] }
        let r = try TableReader(
            t, file: file, name: "[providers]", allowed: ["softsign", "yubihsm", "ledgertm", "fortanixdsm",
                "hashicorp"])
        for other in ["yubihsm", "ledgertm", "fortanixdsm", "hashicorp"] where t[other] != nil {
            throw ConfigError(
                .unsupportedProvider, file, r.line(other),
                "provider \(other) is not supported by Sigil; use [[providers.softsign]] with the key exported to "
                    + "a file")
        }
        var out: [SoftsignProvider] = []
        for t in try tables(r, "softsign", in: "providers") { out.append(try softsign(t)) }
        return out
    }

    private mutating func softsign(_ t: TOMLTable) throws(ConfigError) -> SoftsignProvider {
        let r = try TableReader(
            t, file: file, name: "[[providers.softsign]]", allowed: ["chain_ids", "key_type", "path", "key_format"])
        guard let chainIDs = try r.stringArray("chain_ids") else {
            throw ConfigError(
                .missingField, file, t.line,
                    "[[providers.softsign]] is missing `chain_ids`; add chain_ids = [\"kira-1\"]")
        }
        if chainIDs.isEmpty {
            throw ConfigError(.invalidValue, file, r.line("chain_ids"),
                "`chain_ids` is empty; name the chains this key signs for")
        }
        let keyType: SoftsignProvider.KeyType =
            try r.choice("key_type", [("consensus", .consensus), ("account", .account)]) ?? .consensus
        if keyType == .account {
            warnings.append("\(file):\(r.line("key_type")): key_type = \"account\" is ignored: Sigil signs consensus "
                + "messages only (tmkms's transaction signer is not supported); remove this [[providers.softsign]]")
        }
        return SoftsignProvider(
            chainIDs: chainIDs,
            keyType: keyType,
            path: try r.requiredString("path", example: "\"secrets/priv_validator_key.key\""),
            keyFormat: try r.choice("key_format", [("base64", .base64), ("json", .json)]) ?? .base64,
            line: t.line)
    }

    private mutating func validator(_ t: TOMLTable) throws(ConfigError) -> ValidatorConfig {
        let r = try TableReader(
            t, file: file, name: "[[validator]]",
            allowed: [
                "addr", "chain_id", "secret_key", "protocol_version", "reconnect", "timeout", "max_height", "tunnel",
            ])
        let addrText = try r.requiredString("addr", example: "\"tcp://10.0.0.2:26658\"")
        let addr: ValidatorAddress
        do { addr = try ValidatorAddress(parsing: addrText) } catch {
            throw ConfigError(.invalidValue, file, r.line("addr"), "addr = \"\(addrText)\": \(error)")
        }
        let chainID = try r.requiredString("chain_id", example: "\"kira-1\"")
        try checkChainID(chainID, key: "chain_id", line: r.line("chain_id"))
        let secretKey = try r.string("secret_key")
        let tunnel = try r.string("tunnel")
        if let tunnel, tunnel.isEmpty || tunnel.count > 15 || tunnel.contains("/") || tunnel.contains(" ") {
            throw ConfigError(
                .invalidValue, file, r.line("tunnel"), "tunnel = \"\(tunnel)\" is not an interface name (e.g. \"wg0\")")
        }
        switch addr {
        case .tcp:
            guard let secretKey, !secretKey.isEmpty else {
                throw ConfigError(
                    .missingSecretKey, file, t.line,
                    "[[validator]] \(addr) needs `secret_key` (the Secret Connection identity key); add secret_key = "
                        + "\"secrets/kms-identity.key\" (`sigil init` creates one)")
            }
        case .unix:
            if secretKey != nil {
                warnings.append(
                    "\(file):\(r.line("secret_key")): secret_key is ignored for \(addr) "
                        + "(unix sockets are not encrypted)")
            }
            if tunnel != nil {
                throw ConfigError(
                    .invalidValue, file, r.line("tunnel"),
                        "`tunnel` only applies to tcp:// addresses; remove it for \(addr)")
            }
        }
        let timeout = try r.integer("timeout", in: 1...Int64(UInt16.max))
        let protocolVersion: ValidatorConfig.ProtocolVersion? = try r.choice(
            "protocol_version", [("v0.34", .v0_34), ("v0.37", .v0_37), ("v0.38", .v0_38), ("v1", .v1), ("v1.0", .v1)])
        return ValidatorConfig(
            addr: addr, chainID: chainID, secretKey: addr.isUnix ? nil : secretKey,
            protocolVersion: protocolVersion ?? .v0_38,
            reconnect: try r.bool("reconnect") ?? true, timeout: timeout.map(Double.init),
            maxHeight: try r.integer("max_height", in: 1...Int64.max), tunnel: tunnel, line: t.line,
            protocolVersionLine: protocolVersion.map { _ in r.line("protocol_version") })
    }

    /// CometBFT's limit (`MaxChainIDLen`); a longer id can never match a node's.
    static let maxChainIDLength = 50

    private func checkChainID(_ id: String, key: String, line: Int) throws(ConfigError) {
        if id.utf8.count > ConfigParser.maxChainIDLength {
            throw ConfigError(.invalidValue, file, line, "`\(key)` = \"\(id.prefix(60))...\" is \(id.utf8.count) bytes "
                + "long; CometBFT chain ids are at most \(ConfigParser.maxChainIDLength): copy it from `sekaid status`")
        }
        // A pasted id often brings a space or a newline along; no node's id has one at either end.
        if id.first!.isWhitespace || id.last!.isWhitespace || id.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw ConfigError(.invalidValue, file, line, "`\(key)` = \(id.debugDescription) has leading or trailing "
                + "space or a control character; copy the chain id exactly from `sekaid status`")
        }
    }

    private mutating func crossCheck(
        chains: [ChainConfig], softsign: [SoftsignProvider], validators: [ValidatorConfig]
    ) throws(ConfigError) {
        let ids = Set(chains.map(\.id))
        let defined = chains.isEmpty
            ? "no [[chain]] is defined" : "defined: \(chains.map(\.id).joined(separator: ", "))"
        for p in softsign {
            for id in p.chainIDs where !ids.contains(id) {
                throw ConfigError(
                    .unknownChain, file, p.line,
                    "[[providers.softsign]] chain_ids names \"\(id)\", which has no [[chain]] (\(defined)); add a "
                        + "[[chain]] with id = \"\(id)\" or fix chain_ids")
            }
        }
        for v in validators where !ids.contains(v.chainID) {
            throw ConfigError(
                .unknownChain, file, v.line,
                "[[validator]] chain_id = \"\(v.chainID)\" has no [[chain]] (\(defined)); add a [[chain]] with "
                    + "id = \"\(v.chainID)\" or fix chain_id")
        }
        for c in chains {
            let keys = softsign.filter { $0.keyType == .consensus && $0.chainIDs.contains(c.id) }
            if keys.isEmpty {
                throw ConfigError(
                    .missingKey, file, c.line,
                    "[[chain]] id = \"\(c.id)\" has no consensus key; add a [[providers.softsign]] with "
                        + "chain_ids = [\"\(c.id)\"] and path = \"<key file>\"")
            }
            if keys.count > 1 {
                throw ConfigError(
                    .duplicateKey, file, keys[1].line,
                    "chain \"\(c.id)\" already has a consensus key (the [[providers.softsign]] at line "
                        + "\(keys[0].line)); "
                        + "a chain signs with exactly one key, remove one of them")
            }
            if !validators.contains(where: { $0.chainID == c.id }) {
                warnings.append(
                    "\(file):\(c.line): [[chain]] id = \"\(c.id)\" has no [[validator]]; nothing will sign for it")
            }
        }
    }
}

extension ValidatorAddress {
    var isUnix: Bool { if case .unix = self { true } else { false } }
}
