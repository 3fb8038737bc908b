import Foundation
import Glibc
import SigilCrypto
import TestSupport
import Testing

/// One operator mistake and the answer `sigil` must give: a non-zero exit with exactly one `error:` line that
/// names the input as typed and says what to do, no file changed, and no planted secret in any form on screen.
struct BadInput: Sendable, CustomTestStringConvertible {
    let area: String
    let name: String
    /// Arguments after `sigil`, run in the sandbox; `{wg}` becomes the planted WireGuard private key.
    let args: [String]
    var stdin = ""
    var setup: @Sendable (Sandbox) throws -> Void = { _ in }
    /// The input as the operator wrote it: each must appear in the error line.
    let names: [String]
    /// The advice the error line must give.
    let fix: String
    var status: Int32 = 1
    /// Other lines the command must print (warnings before the error).
    var alsoPrints: [String] = []
    /// Files (relative paths) the command may create or rewrite: only Sigil's own lock file.
    var mayChange: Set<String> = []

    var testDescription: String { "\(area): \(name)" }
}

/// A throw-away Sigil home with real key files, a valid config, a state file and a wg-quick config, built from
/// fixed planted secrets whose every printable form the catalogue looks for in the output.
struct Sandbox {
    let dir: TempDir
    var root: String { dir.url.path }

    static let consensusSeed = SHA256.hash(Array("sigil bad-input catalogue: consensus key".utf8))
    static let identitySeed = SHA256.hash(Array("sigil bad-input catalogue: identity key".utf8))
    static let wgPrivate = SHA256.hash(Array("sigil bad-input catalogue: wireguard key".utf8))
    static var wgKey: String { Base64.encode(wgPrivate) }

    static let config = """
        [[chain]]
        id = "kira-1"
        key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
        state_file = "state/kira-1_priv_validator_state.json"

        [[providers.softsign]]
        chain_ids = ["kira-1"]
        key_type = "consensus"
        path = "secrets/consensus.key"

        [[validator]]
        chain_id = "kira-1"
        addr = "tcp://127.0.0.1:1"
        secret_key = "secrets/kms-identity.key"
        protocol_version = "v0.37"
        reconnect = false

        """

    static let state = "{\n  \"height\": \"5\",\n  \"round\": 0,\n  \"step\": 3\n}"

    init() throws {
        dir = try TempDir("sigil-bad-input")
        try mkdir("secrets", mode: 0o700)
        try mkdir("state", mode: 0o700)
        try write("secrets/consensus.key", Base64.encode(Self.consensusSeed))
        try write("secrets/kms-identity.key", Base64.encode(Self.identitySeed))
        try write("tmkms.toml", Self.config, mode: 0o644)
        try write("state/kira-1_priv_validator_state.json", Self.state)
        try write("priv_validator_key.json", Self.validatorKeyJSON())
        try write("wg0.conf", Self.wgConfig())
    }

    func path(_ rel: String) -> String { dir.path(rel) }

    func write(_ rel: String, _ text: String, mode: Int = 0o600) throws {
        try write(rel, Data(text.utf8), mode: mode)
    }

    func write(_ rel: String, _ data: Data, mode: Int = 0o600) throws {
        let p = path(rel)
        try? FileManager.default.removeItem(atPath: p)
        guard FileManager.default.createFile(atPath: p, contents: data, attributes: [.posixPermissions: mode]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        chmod(p, mode_t(mode))
    }

    func mkdir(_ rel: String, mode: Int = 0o755) throws {
        try FileManager.default.createDirectory(atPath: path(rel), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: mode])
    }

    func chmod(_ rel: String, _ mode: mode_t) { _ = Glibc.chmod(path(rel), mode) }

    /// Rewrites tmkms.toml through `edit`.
    func config(_ edit: (String) -> String) throws {
        try write("tmkms.toml", edit(Self.config), mode: 0o644)
    }

    /// Rewrites the current tmkms.toml through `edit`.
    func editConfig(_ edit: (String) -> String) throws {
        let text = try String(contentsOfFile: path("tmkms.toml"), encoding: .utf8)
        try write("tmkms.toml", edit(text), mode: 0o644)
    }

    /// A wg-quick config: `interface` lines go under [Interface] after the private key line, unless `privateKeyLine`
    /// replaces it.
    static func wgConfig(privateKeyLine: String? = nil, interface: String = "", peer: String = "") -> String {
        var text = "[Interface]\n\(privateKeyLine ?? "PrivateKey = \(wgKey)")\nAddress = 10.200.0.1/24\n"
            + "ListenPort = 51820\n\(interface)"
        text += "\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.200.0.2/32\n\(peer)"
        return text
    }

    static func validatorKeyJSON(type: String = "tendermint/PrivKeyEd25519") -> String {
        let key = try! Ed25519.PrivateKey(seed: consensusSeed)
        let both = Base64.encode(consensusSeed + key.publicKey.rawRepresentation)
        return """
            {
              "priv_key": {
                "type": "\(type)",
                "value": "\(both)"
              }
            }
            """
    }

    /// Every form a planted secret could leak in: base64 (with and without padding), hex in both cases, and the
    /// 64-byte `priv_key.value` of the JSON file.
    static var secretForms: [String] {
        var forms: [String] = []
        for secret in [consensusSeed, identitySeed, wgPrivate] {
            let b64 = Base64.encode(secret)
            forms += [b64, Hex.encode(secret), Hex.encode(secret, uppercase: true)]
            forms.append(String(b64.dropLast()))
        }
        let key = try! Ed25519.PrivateKey(seed: consensusSeed)
        forms.append(Base64.encode(consensusSeed + key.publicKey.rawRepresentation))
        return forms
    }

    /// Every file and directory with its bytes and mode, to compare before and after a command.
    func snapshot() -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: root) else { return out }
        while let rel = e.nextObject() as? String {
            var st = stat()
            guard lstat(path(rel), &st) == 0 else { continue }
            let bytes = (st.st_mode & S_IFMT) == S_IFREG ? fm.contents(atPath: path(rel)).map { Hex.encode(Array($0)) } : "dir"
            out[rel] = "mode \(String(st.st_mode, radix: 8)) \(bytes ?? "unreadable")"
        }
        return out
    }
}
