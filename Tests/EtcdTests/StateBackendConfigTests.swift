import Testing
import SignerConfig

/// `state_backend` on a [[chain]]: the contract's shape parses, and each mistake is one error naming the line.
@Suite struct StateBackendConfigTests {
    static func config(_ backend: String) -> String {
        """
        [[chain]]
        id = "kira-1"
        key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
        state_file = "/var/lib/sigil/kira-1-consensus.json"
        state_backend = \(backend)

        [[providers.softsign]]
        chain_ids = ["kira-1"]
        path = "/var/lib/sigil/kira.key"

        [[validator]]
        chain_id = "kira-1"
        addr = "unix:///run/sigil.sock"

        """
    }

    static let tls = "ca_file = \"/etc/sigil/etcd/ca.pem\", cert_file = \"/etc/sigil/etcd/sigil.pem\", "
        + "key_file = \"/etc/sigil/etcd/sigil-key.pem\""

    @Test func parsesTheContractShape() throws {
        let text = Self.config("{ type = \"etcd\", endpoints = [\"https://127.0.0.1:23790\", \"https://127.0.0.1:23791\", "
            + "\"https://[::1]:23792\"], prefix = \"/sigil\", \(Self.tls), timeout_ms = 250 }")
        let b = try #require(try SignerConfig.parse(text, file: "tmkms.toml").chains[0].stateBackend)
        #expect(b.endpoints.map(\.description) == ["https://127.0.0.1:23790", "https://127.0.0.1:23791", "https://[::1]:23792"])
        #expect(b.prefix == "/sigil" && b.timeoutMs == 250 && b.line == 5)
        #expect(b.caFile == "/etc/sigil/etcd/ca.pem" && b.certFile == "/etc/sigil/etcd/sigil.pem")
        #expect(b.keyFile == "/etc/sigil/etcd/sigil-key.pem")
        // What `sigil bench` writes back into a config reads the same.
        #expect(try EtcdBackendConfig.parse(inline: b.inlineTOML, label: "--state-backend").endpoints == b.endpoints)
    }

    @Test func defaultsAndPlainHTTP() throws {
        let text = Self.config("{ type = \"etcd\", endpoints = [\"http://localhost:2379\"] }")
        let b = try #require(try SignerConfig.parse(text, file: "tmkms.toml").chains[0].stateBackend)
        #expect(b.prefix == "/sigil" && b.timeoutMs == 300 && !b.usesTLS)
        #expect(try SignerConfig.parse(Self.config("{ type = \"etcd\", endpoints = [\"http://a:1\"] }"), file: "t")
            .chains[0].stateBackend?.endpoints.first?.host == "a")
    }

    @Test(arguments: [
        ("{ type = \"etcd\", endpoints = [\"http://a:1\"], user = \"x\" }", "unknown field `user` in state_backend"),
        ("{ type = \"consul\", endpoints = [\"http://a:1\"] }", "state_backend type \"consul\""),
        ("{ endpoints = [\"http://a:1\"] }", "missing `type`"),
        ("{ type = \"etcd\" }", "missing `endpoints`"),
        ("{ type = \"etcd\", endpoints = [] }", "`endpoints` in state_backend of [[chain]] id = \"kira-1\" is empty"),
        ("{ type = \"etcd\", endpoints = \"http://a:1\" }", "`endpoints` in state_backend of [[chain]] id = \"kira-1\" must be an array"),
        ("{ type = \"etcd\", endpoints = [\"http://a:1\"], timeout_ms = \"300\" }", "`timeout_ms` in state_backend of [[chain]] id = \"kira-1\" must be an integer"),
        ("{ type = \"etcd\", endpoints = [\"http://a:1\"], timeout_ms = 0 }", "`timeout_ms` = 0"),
        ("{ type = \"etcd\", endpoints = [\"http://a:1\"], \(tls) }", "\"http://a:1\" in state_backend of [[chain]] id = \"kira-1\" is plain http"),
        ("{ type = \"etcd\", endpoints = [\"https://a:1\"] }", "is https but ca_file, cert_file and key_file are not set"),
        ("{ type = \"etcd\", endpoints = [\"https://a:1\"], ca_file = \"/ca.pem\" }", "has ca_file but not cert_file, key_file"),
        ("{ type = \"etcd\", endpoints = [\"a:2379\"] }", "is not an etcd client URL"),
        ("{ type = \"etcd\", endpoints = [\"http://a\"] }", "has no port"),
        ("{ type = \"etcd\", endpoints = [\"http://a:99999\"] }", "not a port number"),
        ("{ type = \"etcd\", endpoints = [\"http://a:1\", \"http://a:1\"] }", "listed twice"),
        ("{ type = \"etcd\", endpoints = [\"http://a:1\"], prefix = \"sigil\" }", "must start with /"),
        ("\"etcd\"", "`state_backend` in [[chain]] must be a table"),
    ])
    func mistakesAreOneLine(_ backend: String, _ mention: String) {
        do {
            _ = try SignerConfig.parse(Self.config(backend), file: "tmkms.toml")
            Issue.record("accepted: \(backend)")
        } catch {
            #expect(error.description.hasPrefix("tmkms.toml:5: "), "\(error)")
            #expect(error.description.contains(mention), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func benchFlagIsParsedStrictly() {
        #expect(throws: ConfigError.self) { try EtcdBackendConfig.parse(inline: "{ type = \"etcd\" ", label: "--state-backend") }
        do {
            _ = try EtcdBackendConfig.parse(inline: "{ type = \"etcd\", endpoints = [\"https://a:1\"] }", label: "--state-backend")
            Issue.record("https without TLS files accepted")
        } catch {
            #expect(error.description.hasPrefix("--state-backend:1: endpoint \"https://a:1\""), "\(error)")
        }
    }
}
