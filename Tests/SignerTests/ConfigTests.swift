import Foundation
import SigilCrypto
import TestSupport
import Testing
@testable import SignerConfig
@testable import SignerState

/// A tmkms-style config using every supported field: two chains, three validators, two softsign keys.
let fullConfig = """
    # Example KMS configuration file, tmkms style
    [[chain]]
    id = "kira-1"
    key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
    state_file = "/var/lib/sigil/state/kira-1_priv_validator_state.json"
    sign_extensions = false

    [[chain]]
    id = "test-2"
    key_format = { type = "hex" }
    sign_extensions = true
    state_hook = { cmd = ["/usr/bin/get-height"], timeout_secs = 1, fail_closed = false }

    [[chain]]
    id = "json-3"
    key_format = { type = "cosmos-json" }

    [[providers.softsign]]
    chain_ids = ["kira-1", "json-3"]
    key_type = "consensus"
    path = "/var/lib/sigil/secrets/kira.key"

    [[providers.softsign]]
    chain_ids = ["test-2"]
    path = "/var/lib/sigil/secrets/priv_validator_key.json"
    key_format = "json"

    [[providers.softsign]]
    chain_ids = ["kira-1"]
    key_type = "account"
    path = "/var/lib/sigil/secrets/account.key"

    [[validator]]
    chain_id = "kira-1"
    addr = "tcp://F5A4B3C2D1E0F5A4B3C2D1E0F5A4B3C2D1E0F5A4@10.8.0.1:26658"
    secret_key = "/var/lib/sigil/secrets/kms-identity.key"
    protocol_version = "v0.37"
    reconnect = false
    timeout = 3
    max_height = 1_000_000
    tunnel = "wg0"

    [[validator]]
    chain_id = "kira-1"
    addr = "tcp://[fd00::2]:26658"
    secret_key = "/var/lib/sigil/secrets/kms-identity.key"

    [[validator]]
    chain_id = "test-2"
    addr = "unix:///run/node/privval.sock"
    protocol_version = "v0.34"

    [[validator]]
    chain_id = "json-3"
    addr = "unix:///run/json/privval.sock"
    """

@Suite struct ConfigTests {
    @Test func parsesEveryFieldAndDefault() throws {
        let c = try SignerConfig.parse(fullConfig, file: "tmkms.toml")
        #expect(c.chains.map(\.id) == ["kira-1", "test-2", "json-3"])
        #expect(c.chains[0].keyFormat == .bech32(accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub"))
        #expect(c.chains[0].stateFile == "/var/lib/sigil/state/kira-1_priv_validator_state.json")
        #expect(c.chains[0].signExtensions == false)
        #expect(c.chains[0].line == 2)
        #expect(c.chains[1].keyFormat == .hex && c.chains[1].signExtensions)
        #expect(c.chains[1].stateFile == "./test-2_priv_validator_state.json")
        #expect(c.chains[2].keyFormat == .cosmosJSON && !c.chains[2].signExtensions)

        #expect(c.softsign.count == 3)
        #expect(c.softsign[0].chainIDs == ["kira-1", "json-3"])
        #expect(c.softsign[0].keyType == .consensus && c.softsign[0].keyFormat == .base64)
        #expect(c.softsign[1].keyType == .consensus && c.softsign[1].keyFormat == .json)
        #expect(c.softsign[2].keyType == .account)

        let v = c.validators
        #expect(v.count == 4)
        #expect(v[0].addr == .tcp(peerID: "f5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d1e0f5a4", host: "10.8.0.1", port: 26658))
        #expect(v[0].secretKey == "/var/lib/sigil/secrets/kms-identity.key")
        #expect(v[0].protocolVersion == .v0_37 && v[0].reconnect == false && v[0].timeout == 3)
        #expect(v[0].maxHeight == 1_000_000 && v[0].tunnel == "wg0")
        #expect(v[1].addr == .tcp(peerID: nil, host: "fd00::2", port: 26658))
        #expect(v[1].protocolVersion == .v0_38 && v[1].reconnect && v[1].timeout == nil && v[1].maxHeight == nil)
        #expect(v[1].tunnel == nil)
        #expect(v[2].addr == .unix(path: "/run/node/privval.sock") && v[2].protocolVersion == .v0_34)
        #expect(v[2].secretKey == nil)
        #expect(v.map(\.line) == [33, 43, 48, 53])

        #expect(c.warnings.count == 2)
        #expect(c.warnings[0].hasPrefix("tmkms.toml:12: state_hook for chain test-2 is not supported"))
        #expect(c.warnings[1] == "tmkms.toml:30: key_type = \"account\" is ignored: Sigil signs consensus messages "
            + "only (tmkms's transaction signer is not supported); remove this [[providers.softsign]]")
    }

    @Test func warnsAboutChainsWithoutValidatorsAndUnixSecretKeys() throws {
        let text = """
            [[chain]]
            id = "a"
            key_format = { type = "hex" }
            [[chain]]
            id = "b"
            key_format = { type = "hex" }
            [[providers.softsign]]
            chain_ids = ["a", "b"]
            path = "k"
            [[validator]]
            chain_id = "a"
            addr = "unix:///s"
            secret_key = "id.key"
            """
        let c = try SignerConfig.parse(text, file: "t.toml")
        #expect(c.validators[0].secretKey == nil)
        #expect(c.warnings == [
            "t.toml:13: secret_key is ignored for unix:///s (unix sockets are not encrypted)",
            "t.toml:4: [[chain]] id = \"b\" has no [[validator]]; nothing will sign for it",
        ])
    }

    struct Bad: Sendable, CustomStringConvertible {
        let name: String
        let text: String
        let code: ConfigError.Code
        let line: Int
        let mentions: [String]
        var description: String { name }
    }

    static let base = """
        [[chain]]
        id = "kira-1"
        key_format = { type = "hex" }
        [[providers.softsign]]
        chain_ids = ["kira-1"]
        path = "k.key"
        [[validator]]
        chain_id = "kira-1"
        addr = "tcp://10.0.0.2:26658"
        secret_key = "id.key"
        """

    static let bad: [Bad] = [
        Bad(name: "unknown top-level key", text: "log_level = \"debug\"\n" + base, code: .unknownField, line: 1,
            mentions: ["unknown field `log_level` in the top level", "chain, providers, validator"]),
        Bad(name: "unknown [[validator]] key", text: base + "\nretries = 3", code: .unknownField, line: 11,
            mentions: ["unknown field `retries` in [[validator]]; expected one of: addr, chain_id"]),
        Bad(name: "unknown [[chain]] key",
            text: base.replacingFirst("id = \"kira-1\"\n", with: "id = \"kira-1\"\nmax_height = 5\n"),
            code: .unknownField, line: 3, mentions: ["unknown field `max_height` in [[chain]]"]),
        Bad(name: "unknown softsign key", text: base.replacingFirst("path = \"k.key\"",
            with: "path = \"k.key\"\nkey = 1"),
            code: .unknownField, line: 7, mentions: ["unknown field `key` in [[providers.softsign]]"]),
        Bad(name: "bech32 key_format missing a prefix",
            text: base.replacingFirst("{ type = \"hex\" }",
                with: "{ type = \"bech32\", account_key_prefix = \"kirapub\" }"),
            code: .missingField, line: 3,
            mentions: ["key_format of [[chain]] id = \"kira-1\" is missing `consensus_key_prefix`"]),
        Bad(name: "hex key_format with a prefix",
            text: base.replacingFirst("{ type = \"hex\" }", with: "{ type = \"hex\", account_key_prefix = \"x\" }"),
            code: .unknownField, line: 3, mentions: ["unknown field `account_key_prefix` in key_format type \"hex\""]),
        Bad(name: "unknown key_format type", text: base.replacingFirst("\"hex\"", with: "\"base58\""),
            code: .invalidValue, line: 3, mentions: ["key_format type \"base58\"",
                "\"bech32\", \"hex\", \"cosmos-json\""]),
        Bad(name: "missing key_format", text: base.replacingFirst("key_format = { type = \"hex\" }\n", with: ""),
            code: .missingField, line: 1,
                mentions: ["[[chain]] id = \"kira-1\" is missing `key_format`; add key_format ="]),
        Bad(name: "missing chain id", text: base.replacingFirst("id = \"kira-1\"\n", with: ""),
            code: .missingField, line: 1, mentions: ["[[chain]] is missing `id`; add id = \"kira-1\""]),
        Bad(name: "empty chain id", text: base.replacingFirst("id = \"kira-1\"", with: "id = \"\""),
            code: .invalidValue, line: 2, mentions: ["`id` in [[chain]] is empty"]),
        Bad(name: "missing addr", text: base.replacingFirst("addr = \"tcp://10.0.0.2:26658\"\n", with: ""),
            code: .missingField, line: 7, mentions: ["[[validator]] is missing `addr`; add addr = \"tcp://"]),
        Bad(name: "missing validator chain_id", text: base.replacingFirst("chain_id = \"kira-1\"\n", with: ""),
            code: .missingField, line: 7, mentions: ["[[validator]] is missing `chain_id`"]),
        Bad(name: "missing softsign path", text: base.replacingFirst("path = \"k.key\"\n", with: ""),
            code: .missingField, line: 4, mentions: ["[[providers.softsign]] is missing `path`"]),
        Bad(name: "missing chain_ids", text: base.replacingFirst("chain_ids = [\"kira-1\"]\n", with: ""),
            code: .missingField, line: 4, mentions: ["[[providers.softsign]] is missing `chain_ids`"]),
        Bad(name: "wrong type", text: base + "\nreconnect = \"yes\"", code: .wrongType, line: 11,
            mentions: ["`reconnect` in [[validator]] must be a boolean (true or false), found a string"]),
        Bad(name: "chain_ids not strings", text: base.replacingFirst("[\"kira-1\"]", with: "[\"kira-1\", 2]"),
            code: .wrongType, line: 5, mentions: ["`chain_ids` in [[providers.softsign]] must be an array of strings"]),
        Bad(name: "[chain] instead of [[chain]]", text: base.replacingFirst("[[chain]]", with: "[chain]"),
            code: .wrongType, line: 1, mentions: ["`chain` must be an array of tables; write [[chain]]"]),
        Bad(name: "validator for an undefined chain", text: base.replacingFirst("chain_id = \"kira-1\"",
            with: "chain_id = \"kira-2\""),
            code: .unknownChain, line: 7,
            mentions: ["[[validator]] chain_id = \"kira-2\" has no [[chain]] (defined: kira-1)",
                "add a [[chain]] with id = \"kira-2\""]),
        Bad(name: "softsign for an undefined chain", text: base.replacingFirst("[\"kira-1\"]",
            with: "[\"kira-1\", \"other\"]"),
            code: .unknownChain, line: 4, mentions: ["chain_ids names \"other\", which has no [[chain]]"]),
        Bad(name: "chain without a key", text: base.replacingFirst("key_type", with: "x").replacingFirst(
                "path = \"k.key\"", with: "path = \"k.key\"\nkey_type = \"account\""),
            code: .missingKey, line: 1,
            mentions: [
                "[[chain]] id = \"kira-1\" has no consensus key;",
                "add a [[providers.softsign]] with chain_ids = [\"kira-1\"]",
            ]),
        Bad(name: "two consensus keys for one chain",
            text: base + "\n[[providers.softsign]]\nchain_ids = [\"kira-1\"]\npath = \"other.key\"",
                code: .duplicateKey,
            line: 11,
            mentions: ["chain \"kira-1\" already has a consensus key (the [[providers.softsign]] at line 4)"]),
        Bad(name: "tcp validator without secret_key", text: base.replacingFirst("secret_key = \"id.key\"\n", with: "")
                .replacingFirst("secret_key = \"id.key\"", with: ""),
            code: .missingSecretKey, line: 7,
            mentions: ["[[validator]] tcp://10.0.0.2:26658 needs `secret_key`",
                "add secret_key = \"secrets/kms-identity.key\""]),
        Bad(name: "yubihsm provider", text: base + "\n[[providers.yubihsm]]\nadapter = { type = \"usb\" }",
            code: .unsupportedProvider, line: 11,
            mentions: ["provider yubihsm is not supported by Sigil; use [[providers.softsign]]"]),
        Bad(name: "ledger provider", text: base + "\n[[providers.ledgertm]]\nchain_ids = [\"kira-1\"]",
            code: .unsupportedProvider, line: 11, mentions: ["provider ledgertm is not supported by Sigil"]),
        Bad(name: "fortanix provider", text: base + "\n[[providers.fortanixdsm]]\napi_key = \"x\"",
            code: .unsupportedProvider, line: 11, mentions: ["provider fortanixdsm is not supported by Sigil"]),
        Bad(name: "hashicorp provider", text: base + "\n[[providers.hashicorp]]\napi_endpoint = \"x\"",
            code: .unsupportedProvider, line: 11, mentions: ["provider hashicorp is not supported by Sigil"]),
        Bad(name: "old tx_signer section", text: "[[tx_signer]]\nchain_id = \"x\"\n" + base, code: .unknownField,
            line: 1,
            mentions: ["`tx_signer` (from older tmkms releases) is not supported by Sigil; remove that section"]),
        Bad(name: "unknown provider", text: base + "\n[[providers.hsm9000]]\nx = 1", code: .unknownField, line: 11,
            mentions: ["unknown field `hsm9000` in [providers]"]),
        Bad(name: "protocol v0.33", text: base + "\nprotocol_version = \"v0.33\"", code: .invalidValue, line: 11,
            mentions: [
                "`protocol_version` = \"v0.33\" in [[validator]] is not one of \"v0.34\", \"v0.37\", \"v0.38\"",
            ]),
        Bad(name: "key_type", text: base.replacingFirst("path = \"k.key\"",
            with: "path = \"k.key\"\nkey_type = \"identity\""),
            code: .invalidValue, line: 7, mentions: ["`key_type` = \"identity\""]),
        Bad(name: "address without port", text: base.replacingFirst("10.0.0.2:26658", with: "10.0.0.2"),
            code: .invalidValue, line: 9, mentions: ["addr = \"tcp://10.0.0.2\": address needs a port"]),
        Bad(name: "address with bad peer id", text: base.replacingFirst("tcp://", with: "tcp://abc@"),
            code: .invalidValue, line: 9, mentions: ["peer ID `abc` must be 40 hex digits"]),
        Bad(name: "http address", text: base.replacingFirst("tcp://", with: "http://"),
            code: .invalidValue, line: 9, mentions: ["address must start with tcp:// or unix://"]),
        Bad(name: "port zero", text: base.replacingFirst(":26658", with: ":0"),
            code: .invalidValue, line: 9, mentions: ["port `0` must be a number from 1 to 65535"]),
        Bad(name: "timeout zero", text: base + "\ntimeout = 0", code: .invalidValue, line: 11,
            mentions: ["`timeout` = 0 in [[validator]] is out of range; use 1...65535"]),
        Bad(name: "timeout as string", text: base + "\ntimeout = \"10s\"", code: .wrongType, line: 11,
            mentions: ["`timeout` in [[validator]] must be an integer, found a string"]),
        Bad(name: "negative max_height", text: base + "\nmax_height = -1", code: .invalidValue, line: 11,
            mentions: ["`max_height` = -1"]),
        Bad(name: "bad tunnel", text: base + "\ntunnel = \"wg 0\"", code: .invalidValue, line: 11,
            mentions: ["tunnel = \"wg 0\" is not an interface name"]),
        Bad(name: "tunnel on a unix socket",
            text: base.replacingFirst("tcp://10.0.0.2:26658", with: "unix:///run/s.sock") + "\ntunnel = \"wg0\"",
            code: .invalidValue, line: 11, mentions: ["`tunnel` only applies to tcp:// addresses"]),
        Bad(name: "duplicate chain", text: base + "\n[[chain]]\nid = \"kira-1\"\nkey_format = { type = \"hex\" }",
            code: .duplicateChain, line: 11,
                mentions: ["[[chain]] id = \"kira-1\" is defined twice (first at line 1); keep one [[chain]] per chain id"]),
        Bad(name: "TOML syntax error", text: base + "\nreconnect = yes", code: .syntax, line: 11,
            mentions: ["invalid value `yes`"]),
        Bad(name: "state_hook with an unknown key", text: base.replacingFirst(
                "key_format = { type = \"hex\" }",
                    with: "key_format = { type = \"hex\" }\nstate_hook = { command = [] }"),
            code: .unknownField, line: 4, mentions: ["unknown field `command` in state_hook"]),
        Bad(name: "metrics on a public address", text: base + "\n[metrics]\naddr = \"0.0.0.0:9311\"",
            code: .invalidValue, line: 12,
            mentions: ["[metrics] addr = \"0.0.0.0:9311\" is not a loopback address", "allow_non_loopback = true"]),
        Bad(name: "metrics on a host name", text: base + "\n[metrics]\naddr = \"localhost:9311\"",
            code: .invalidValue, line: 12, mentions: ["[metrics] addr = \"localhost:9311\" needs an IP address"]),
        Bad(name: "metrics without a port", text: base + "\n[metrics]\naddr = \"127.0.0.1\"",
            code: .invalidValue, line: 12, mentions: ["[metrics] addr = \"127.0.0.1\" is not an IP address and port"]),
        Bad(name: "metrics without addr", text: base + "\n[metrics]\nallow_non_loopback = true",
            code: .missingField, line: 11, mentions: ["[metrics] is missing `addr`; add addr = \"127.0.0.1:9311\""]),
        Bad(name: "metrics unknown key", text: base + "\n[metrics]\naddr = \"127.0.0.1:9311\"\nport = 9311",
            code: .unknownField, line: 13, mentions: ["unknown field `port` in [metrics]"]),
        Bad(name: "log format", text: base + "\n[logging]\nformat = \"logfmt\"",
            code: .invalidValue, line: 12, mentions: ["`format` = \"logfmt\" in [logging] is not one of \"text\", \"json\""]),
    ]

    @Test(arguments: bad)
    func rejects(_ c: Bad) {
        do {
            let config = try SignerConfig.parse(c.text, file: "/etc/sigil/tmkms.toml")
            Issue.record("accepted: \(config.chains.map(\.id))")
        } catch {
            #expect(error.code == c.code, "\(error)")
            #expect(error.line == c.line, "\(error)")
            #expect(error.description.hasPrefix("/etc/sigil/tmkms.toml:\(c.line): "), "\(error)")
            for m in c.mentions { #expect(error.description.contains(m), "\(error)") }
        }
    }

    @Test func metricsAndLogging() throws {
        let local = try SignerConfig.parse(Self.base + "\n[metrics]\naddr = \"[::1]:9311\"\n[logging]\nformat = \"json\"",
                                           file: "t.toml")
        #expect(local.metrics == MetricsConfig(host: "::1", port: 9311, allowNonLoopback: false, line: 11))
        #expect(local.logFormat == .json)
        let open = try SignerConfig.parse(
            Self.base + "\n[metrics]\naddr = \"10.200.0.2:9311\"\nallow_non_loopback = true", file: "t.toml")
        #expect(open.metrics?.host == "10.200.0.2" && open.metrics?.allowNonLoopback == true)
        #expect(try SignerConfig.parse(Self.base, file: "t.toml").metrics == nil, "no [metrics], no listener")
    }

    @Test func baseConfigIsValid() throws {
        let c = try SignerConfig.parse(Self.base, file: "t.toml")
        #expect(c.validators.count == 1 && c.warnings.isEmpty)
    }
}

/// tmkms v0.15's own `init` output for a softsign validator (templates networks/cosmoshub.toml,
/// keyring/softsign_consensus.toml and validator.toml, with $KMS_HOME and $CHAIN_ID filled in) parses unchanged.
@Test func tmkmsInitOutputParses() throws {
    let text = """
        ### Cosmos Hub Network

        [[chain]]
        id = "cosmoshub-3"
        key_format = { type = "bech32", account_key_prefix = "cosmospub", consensus_key_prefix = "cosmosvalconspub" }
        state_file = "/kms/state/cosmoshub-3-consensus.json"

        [[providers.softsign]]
        chain_ids = ["cosmoshub-3"]
        key_type = "consensus"
        path = "/kms/secrets/cosmoshub-3-consensus.key"

        [[validator]]
        chain_id = "cosmoshub-3"
        addr = "tcp://deadbeefdeadbeefdeadbeefdeadbeefdeadbeef@example1.example.com:26658"
        secret_key = "/kms/secrets/kms-identity.key"
        protocol_version = "v0.34"
        reconnect = true
        """
    let c = try SignerConfig.parse(text, file: "tmkms.toml")
    #expect(c.chains.map(\.stateFile) == ["/kms/state/cosmoshub-3-consensus.json"])
    #expect(c.validators.first?.addr == .tcp(
        peerID: "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef", host: "example1.example.com", port: 26658))
    #expect(c.validators.first?.protocolVersion == .v0_34)
    #expect(c.warnings.isEmpty)
}

@Suite struct ConfigFileTests {
    private func write(_ text: String, _ path: String, mode: Int = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    private func config(in dir: TempDir) -> String {
        ConfigTests.base.replacingFirst("\"k.key\"", with: "\"\(dir.path("k.key"))\"")
            .replacingFirst("\"id.key\"", with: "\"\(dir.path("id.key"))\"")
    }

    @Test func loadChecksKeyFiles() throws {
        let dir = try TempDir("config-load")
        defer { dir.remove() }
        let path = dir.path("tmkms.toml")
        try write(config(in: dir), path, mode: 0o644)

        func expectError(_ code: ConfigError.Code, _ mentions: String) {
            do {
                _ = try SignerConfig.load(path: path)
                Issue.record("loaded despite \(code)")
            } catch {
                #expect(error.code == code, "\(error)")
                #expect(error.description.contains(mentions), "\(error)")
            }
        }
        expectError(.missingFile,
            "\(path):4: [[providers.softsign]] path = \"\(dir.path("k.key"))\": not found; create it")
        try write("c2VlZA==", dir.path("k.key"), mode: 0o640)
        expectError(.insecureFile, "is accessible to group or others (mode 640); run chmod 600 \(dir.path("k.key"))")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path("k.key"))
        expectError(.missingFile, "\(path):7: [[validator]] secret_key = \"\(dir.path("id.key"))\": not found")
        try FileManager.default.createDirectory(atPath: dir.path("id.key"), withIntermediateDirectories: false)
        expectError(.missingFile, "is not a regular file")
        try FileManager.default.removeItem(atPath: dir.path("id.key"))
        try write("aWQ=", dir.path("id.key"))

        let c = try SignerConfig.load(path: path)
        #expect(c.chains.first?.id == "kira-1")
    }

    @Test func missingConfigFileSaysHowToCreateOne() throws {
        do {
            _ = try SignerConfig.load(path: "/nonexistent/tmkms.toml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description == "/nonexistent/tmkms.toml: config file not found; create one with "
                + "`sigil init <dir>` or pass -c <path>")
        }
    }

    @Test func kiraTemplateParsesWithItsDefaults() throws {
        let text = try ConfigTemplate.render(network: "kira", home: "/srv/sigil/")
        let c = try SignerConfig.parse(text, file: "tmkms.toml")
        #expect(c.chains.count == 1 && c.softsign.count == 1 && c.validators.count == 1)
        let chain = c.chains[0]
        #expect(chain.id == "kira-1")
        #expect(chain.keyFormat == .bech32(accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub"))
        #expect(chain.stateFile == "/srv/sigil/state/kira-1_priv_validator_state.json")
        #expect(!chain.signExtensions)
        #expect(c.softsign[0].path == "/srv/sigil/secrets/priv_validator_key.json")
        #expect(c.softsign[0].keyType == .consensus && c.softsign[0].keyFormat == .base64)
        let v = c.validators[0]
        #expect(v.protocolVersion == .v0_37 && v.reconnect && v.tunnel == nil)
        #expect(v.addr == .tcp(peerID: nil, host: "10.200.0.1", port: 26659))
        #expect(v.secretKey == "/srv/sigil/secrets/kms-identity.key")
        #expect(c.warnings.isEmpty)
        // Every commented-out option in the template is valid when uncommented.
        let uncommented = text.replacingFirst("# key_format = \"json\"", with: "key_format = \"json\"")
            .replacingFirst("# timeout = 10", with: "timeout = 10")
            .replacingFirst("# max_height = 1000000", with: "max_height = 1000000")
            .replacingFirst("# tunnel = \"wg0\"", with: "tunnel = \"wg0\"")
        let all = try SignerConfig.parse(uncommented, file: "tmkms.toml")
        #expect(all.softsign[0].keyFormat == .json)
        #expect(all.validators[0].timeout == 10 && all.validators[0].maxHeight == 1_000_000)
        #expect(all.validators[0].tunnel == "wg0")
    }

    @Test func customTemplate() throws {
        let text = try ConfigTemplate.render(
            chainID: "cosmoshub-4", accountKeyPrefix: "cosmospub", consensusKeyPrefix: "cosmosvalconspub",
            home: "kms", validatorAddr: "unix:///run/gaia.sock", protocolVersion: .v0_38)
        let c = try SignerConfig.parse(text, file: "t")
        #expect(c.chains[0].stateFile == "kms/state/cosmoshub-4_priv_validator_state.json")
        #expect(c.validators[0].addr == .unix(path: "/run/gaia.sock") && c.validators[0].protocolVersion == .v0_38)
    }

    @Test func unknownNetwork() {
        #expect(throws: ConfigError(.invalidValue, "", 0, "")) { try ConfigTemplate.render(network: "osmosis",
            home: "x") }
    }
}

@Suite struct ChainConfigFormatTests {
    /// signer-anchors.md §2.9 (derived): the key from seed SHA-256("it's a secret").
    @Test func formatsTheConsensusKeyPerKeyFormat() throws {
        let key = try Ed25519.PrivateKey(seed: SHA256.hash(Array("it's a secret".utf8)))
        var chain = ChainConfig(
            id: "kira-1", keyFormat: .bech32(accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub"),
            stateFile: "s", signExtensions: false, line: 1)
        let bech32 = "kiravalconspub1zcjduepq244yxmcjrrfsjsh0u7vyyr63mjdk5vgmj2w90qjhg47st30u7gcq43qlfd"
        #expect(chain.format(key.publicKey) == bech32)
        chain.keyFormat = .hex
        #expect(chain.format(key.publicKey) == "556A436F1218D30942EFE798420F51DC9B6A311B929C578257457D05C5FCF230")
        chain.keyFormat = .cosmosJSON
        #expect(chain.format(key.publicKey).contains("VWpDbxIY0wlC7+eYQg9R3JtqMRuSnFeCV0V9BcX88jA="))
        #expect(chain.format(key.publicKey).contains("/cosmos.crypto.ed25519.PubKey"))
    }
}

@Suite struct ValidatorAddressTests {
    @Test(arguments: [
        ("tcp://127.0.0.1:26658", ValidatorAddress.tcp(peerID: nil, host: "127.0.0.1", port: 26658)),
        ("tcp://node.example:1", .tcp(peerID: nil, host: "node.example", port: 1)),
        ("tcp://[::1]:65535", .tcp(peerID: nil, host: "::1", port: 65535)),
        ("tcp://0123456789abcdef0123456789abcdef01234567@[fd00::1]:26658",
         .tcp(peerID: "0123456789abcdef0123456789abcdef01234567", host: "fd00::1", port: 26658)),
        ("unix:///run/sigil/privval.sock", .unix(path: "/run/sigil/privval.sock")),
    ])
    func parsesAndPrintsBack(text: String, want: ValidatorAddress) throws {
        let addr = try ValidatorAddress(parsing: text)
        #expect(addr == want)
        #expect(addr.description == text)
    }

    @Test(arguments: [
        "tcp://", "tcp://:26658", "tcp://host", "tcp://host:99999", "tcp://host:x", "tcp://::1:26658", "tcp://[::1]",
        "tcp://a/b:1", "unix://relative.sock", "udp://1.2.3.4:5", "127.0.0.1:26658",
        "tcp://0123456789abcdef0123456789abcdef0123456@h:1",
    ])
    func rejects(text: String) {
        #expect(throws: ValidatorAddress.AddressError.self) { try ValidatorAddress(parsing: text) }
    }
}

extension String {
    /// Replaces the first occurrence only (tests edit one field of a base config).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
