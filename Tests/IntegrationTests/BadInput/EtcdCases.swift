/// `state_backend` (etcd) mistakes in tmkms.toml, each through `sigil start`.
extension BadInput {
    static func backend(_ table: String) -> @Sendable (Sandbox) throws -> Void {
        replacing("state_file = \"state/kira-1_priv_validator_state.json\"\n",
                  "state_file = \"state/kira-1_priv_validator_state.json\"\nstate_backend = \(table)\n")
    }

    static let etcd: [BadInput] = [
        start("etcd https endpoint without TLS files", names: ["tmkms.toml:5", "\"https://127.0.0.1:2379\""],
              fix: "add them (the etcd CA and Sigil's client certificate)",
              backend("{ type = \"etcd\", endpoints = [\"https://127.0.0.1:2379\"] }")),
        start("etcd misspelt key", names: ["tmkms.toml:5", "`timeout`"], fix: "expected one of: type, endpoints",
              backend("{ type = \"etcd\", endpoints = [\"http://127.0.0.1:2379\"], timeout = 300 }")),
        start("etcd empty endpoint list", names: ["tmkms.toml:5", "`endpoints`"], fix: "list every etcd member's client URL",
              backend("{ type = \"etcd\", endpoints = [] }")),
        start("etcd client key readable by others", names: ["tmkms.toml:5", "secrets/etcd-key.pem"], fix: "chmod 600") { s in
            try s.write("secrets/etcd-ca.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", mode: 0o644)
            try s.write("secrets/etcd.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", mode: 0o644)
            try s.write("secrets/etcd-key.pem", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", mode: 0o644)
            try backend("{ type = \"etcd\", endpoints = [\"https://127.0.0.1:2379\"], ca_file = \"secrets/etcd-ca.pem\", "
                + "cert_file = \"secrets/etcd.pem\", key_file = \"secrets/etcd-key.pem\" }")(s)
        },
    ]
}
