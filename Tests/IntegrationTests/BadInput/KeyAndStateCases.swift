import Foundation
import SigilCrypto

/// Key files and state files: the secrets live here, so these cases also check what is never shown.
extension BadInput {
    static let keys: [BadInput] = [
        start("consensus key readable by group", names: ["secrets/consensus.key"], fix: "chmod 600 secrets/consensus.key") {
            $0.chmod("secrets/consensus.key", 0o640)
        },
        start("consensus key writable by group", names: ["secrets/consensus.key"], fix: "chmod 600 secrets/consensus.key") {
            $0.chmod("secrets/consensus.key", 0o620)
        },
        start("identity key writable by others", names: ["secrets/kms-identity.key"], fix: "chmod 600 secrets/kms-identity.key") {
            $0.chmod("secrets/kms-identity.key", 0o602)
        },
        start("consensus key missing", names: ["secrets/consensus.key"], fix: "sigil softsign keygen secrets/consensus.key") {
            try FileManager.default.removeItem(atPath: $0.path("secrets/consensus.key"))
        },
        start("consensus key truncated", names: ["secrets/consensus.key"], fix: "Is the file truncated") {
            try $0.write("secrets/consensus.key", String(Base64.encode(Sandbox.consensusSeed).prefix(30)))
        },
        start("consensus key with a typo", names: ["secrets/consensus.key"], fix: "Is the file truncated") {
            try $0.write("secrets/consensus.key", "!" + Base64.encode(Sandbox.consensusSeed).dropFirst())
        },
        start("priv_key.value pasted as a softsign key", names: ["secrets/consensus.key"], fix: "sigil softsign import") {
            let key = try Ed25519.PrivateKey(seed: Sandbox.consensusSeed)
            try $0.write("secrets/consensus.key", Base64.encode(Sandbox.consensusSeed + key.publicKey.rawRepresentation))
        },
        start("consensus key path is a directory", names: ["secrets/consensus.key"], fix: "is not a regular file") {
            try FileManager.default.removeItem(atPath: $0.path("secrets/consensus.key"))
            try $0.mkdir("secrets/consensus.key")
        },
        BadInput(area: "keys", name: "keygen over an existing key", args: ["softsign", "keygen", "secrets/consensus.key"],
                 names: ["secrets/consensus.key"], fix: "move it away first"),
        BadInput(area: "keys", name: "keygen with a broken -c config", args: ["softsign", "keygen", "secrets/new.key", "-c", "tmkms.toml"],
                 setup: { try $0.write("tmkms.toml", "[[chain]\n", mode: 0o644) },
                 names: ["tmkms.toml:1"], fix: "expected `]]` to close the table header"),
        BadInput(area: "keys", name: "keygen into a missing directory", args: ["softsign", "keygen", "secret/new.key"],
                 names: ["secret/new.key"], fix: "check that the directory exists"),
        BadInput(area: "keys", name: "import a JSON key readable by others",
                 args: ["softsign", "import", "priv_validator_key.json", "secrets/new.key"],
                 setup: { $0.chmod("priv_validator_key.json", 0o644) },
                 names: ["priv_validator_key.json"], fix: "chmod 600 priv_validator_key.json"),
        BadInput(area: "keys", name: "import a file that is not JSON",
                 args: ["softsign", "import", "secrets/consensus.key", "secrets/new.key"],
                 names: ["secrets/consensus.key"], fix: "priv_validator_key.json"),
        BadInput(area: "keys", name: "import a secp256k1 key",
                 args: ["softsign", "import", "priv_validator_key.json", "secrets/new.key"],
                 setup: { try $0.write("priv_validator_key.json", Sandbox.validatorKeyJSON(type: "tendermint/PrivKeySecp256k1")) },
                 names: ["priv_validator_key.json", "tendermint/PrivKeySecp256k1"], fix: "Ed25519 only"),
        BadInput(area: "keys", name: "wg pubkey with a 43-character key", args: ["wg", "pubkey"],
                 stdin: String(Sandbox.wgKey.dropLast()) + "\n",
                 names: ["private key on stdin", "found 43 characters"], fix: "`wg genkey`"),
        BadInput(area: "keys", name: "wg pubkey with a key and junk", args: ["wg", "pubkey"],
                 stdin: Sandbox.wgKey + " junk\n", names: ["private key on stdin"], fix: "the 44 base64 characters"),
        BadInput(area: "keys", name: "wg genkey over an existing file", args: ["wg", "genkey", "--out", "wg0.conf"],
                 names: ["wg0.conf"], fix: "refusing to overwrite"),
    ]

    static func stateFile(_ text: String) -> @Sendable (Sandbox) throws -> Void {
        { try $0.write("state/kira-1_priv_validator_state.json", text) }
    }

    static let state: [BadInput] = [
        BadInput(area: "state", name: "negative height", args: ["state", "set", "state/kira-1_priv_validator_state.json", "--height=-1"],
                 names: ["--height -1"], fix: "heights start at 0", status: 64),
        BadInput(area: "state", name: "negative round",
                 args: ["state", "set", "state/kira-1_priv_validator_state.json", "--height", "9", "--round=-2"],
                 names: ["--round -2"], fix: "rounds start at 0", status: 64),
        BadInput(area: "state", name: "step 4", args: ["state", "set", "state/kira-1_priv_validator_state.json", "--height", "9", "--step", "4"],
                 names: ["--step 4"], fix: "use 1 (proposal), 2 (prevote) or 3 (precommit)", status: 64),
        BadInput(area: "state", name: "height not a number", args: ["state", "set", "state/kira-1_priv_validator_state.json", "--height", "ten"],
                 names: ["'ten'", "--height"], fix: "sigil state set --help", status: 64),
        BadInput(area: "state", name: "lowering the watermark", args: ["state", "set", "state/kira-1_priv_validator_state.json", "--height", "4"],
                 names: ["state/kira-1_priv_validator_state.json", "5/0/3"], fix: "refusing to lower or repeat"),
        BadInput(area: "state", name: "duplicated height key", args: ["state", "show", "state/kira-1_priv_validator_state.json"],
                 setup: stateFile("{\"height\": \"900\", \"round\": 0, \"step\": 3, \"height\": \"5\"}"),
                 names: ["state/kira-1_priv_validator_state.json", "`height` appears twice"], fix: "delete the wrong line"),
        BadInput(area: "state", name: "duplicated key stops start too", args: ["start", "-c", "tmkms.toml"],
                 setup: stateFile("{\"height\": \"5\", \"round\": 0, \"step\": 3, \"step\": 1}"),
                 names: ["state/kira-1_priv_validator_state.json", "`step` appears twice"], fix: "delete the wrong line",
                 mayChange: BadInput.lock),
        BadInput(area: "state", name: "not JSON", args: ["state", "show", "state/kira-1_priv_validator_state.json"],
                 setup: stateFile("height: 5"), names: ["state/kira-1_priv_validator_state.json"], fix: "restore it from a backup"),
        BadInput(area: "state", name: "negative height in the file", args: ["state", "show", "state/kira-1_priv_validator_state.json"],
                 setup: stateFile("{\"height\": \"-5\", \"round\": 0, \"step\": 3}"),
                 names: ["state/kira-1_priv_validator_state.json", "height -5"], fix: "restore it from a backup"),
        BadInput(area: "state", name: "damaged journal", args: ["state", "show", "state/kira-1_priv_validator_state.json"],
                 setup: { try $0.write("state/kira-1_priv_validator_state.json.journal", String(repeating: "x", count: 8192)) },
                 names: ["state/kira-1_priv_validator_state.json.journal", "neither slot holds a readable record"],
                 fix: "move the journal aside"),
        BadInput(area: "state", name: "show a missing file", args: ["state", "show", "state/kira-2_priv_validator_state.json"],
                 names: ["state/kira-2_priv_validator_state.json"], fix: "check the path"),
        BadInput(area: "state", name: "set in a missing directory", args: ["state", "set", "stat/x.json", "--height", "9"],
                 names: ["stat/x.json"], fix: "create it or fix `state_file`"),
        BadInput(area: "state", name: "show a directory", args: ["state", "show", "state"],
                 names: ["state"], fix: "check the path"),
    ]
}
