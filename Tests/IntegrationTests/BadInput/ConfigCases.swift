/// tmkms.toml mistakes, each through `sigil start`.
extension BadInput {
    static func start(_ name: String, names: [String], fix: String, alsoPrints: [String] = [],
                      mayChange: Set<String> = [], _ setup: @escaping @Sendable (Sandbox) throws -> Void) -> BadInput {
        BadInput(area: "config", name: name, args: ["start", "-c", "tmkms.toml"], setup: setup, names: names, fix: fix,
                 alsoPrints: alsoPrints, mayChange: mayChange)
    }

    static func replacing(_ old: String, _ new: String) -> @Sendable (Sandbox) throws -> Void {
        { s in try s.config { $0.replacingOccurrences(of: old, with: new) } }
    }

    static let config: [BadInput] = [
        start("empty file", names: ["tmkms.toml"], fix: "write one with `sigil init <dir>`") { try $0.write("tmkms.toml", "") },
        start("no [[validator]]", names: ["tmkms.toml:1", "no [[validator]]"], fix: "add [[validator]] with addr and chain_id") {
            try $0.config { String($0[..<$0.range(of: "[[validator]]")!.lowerBound]) }
        },
        BadInput(area: "config", name: "a directory as the config", args: ["start", "-c", "state"],
                 names: ["state: is a directory"], fix: "-c state/tmkms.toml"),
        BadInput(area: "config", name: "missing config file", args: ["start", "-c", "tmksm.toml"],
                 names: ["tmksm.toml"], fix: "create one with `sigil init <dir>` or pass -c <path>"),
        start("not UTF-8", names: ["tmkms.toml"], fix: "is this the right file?") {
            try $0.write("tmkms.toml", Data([0x5b, 0x5b, 0xff, 0xfe, 0x00, 0x5d]), mode: 0o644)
        },
        start("misspelt key", names: ["tmkms.toml:17", "protocol_versoin"], fix: "expected one of: addr, chain_id",
              replacing("reconnect = false", "reconnect = false\nprotocol_versoin = \"v0.37\"")),
        start("duplicate key", names: ["tmkms.toml:17", "duplicate key `reconnect`"], fix: "keep one of the two lines",
              replacing("reconnect = false", "reconnect = false\nreconnect = true")),
        start("[validator] instead of [[validator]]", names: ["tmkms.toml:11", "`validator`"], fix: "write [[validator]]",
              replacing("[[validator]]", "[validator]")),
        start("chain id over 50 bytes", names: ["tmkms.toml:2", "`id`"], fix: "at most 50",
              replacing("id = \"kira-1\"", "id = \"\(String(repeating: "k", count: 51))\"")),
        start("chain id with a trailing space", names: ["tmkms.toml:12", "\"kira-1 \""], fix: "copy the chain id exactly",
              replacing("chain_id = \"kira-1\"", "chain_id = \"kira-1 \"")),
        start("a 10 kB line", names: ["tmkms.toml:17"], fix: "over the 4096-byte limit",
              replacing("reconnect = false", "reconnect = false\n# " + String(repeating: "x", count: 10_000))),
        start("validator for an undefined chain", names: ["tmkms.toml:11", "chain_id = \"kira-2\""],
              fix: "add a [[chain]] with id = \"kira-2\" or fix chain_id", replacing("chain_id = \"kira-1\"", "chain_id = \"kira-2\"")),
        start("tcp validator without secret_key", names: ["tmkms.toml:11", "needs `secret_key`"],
              fix: "add secret_key = \"secrets/kms-identity.key\"", replacing("secret_key = \"secrets/kms-identity.key\"\n", "")),
        start("timeout = 0", names: ["tmkms.toml:17", "`timeout` = 0"], fix: "use 1...65535",
              replacing("reconnect = false", "reconnect = false\ntimeout = 0")),
        start("reconnect as a string", names: ["tmkms.toml:16", "`reconnect`"], fix: "must be a boolean (true or false)",
              replacing("reconnect = false", "reconnect = \"no\"")),
        start("unknown protocol_version", names: ["tmkms.toml:15", "\"v0.33\""], fix: "is not one of \"v0.34\", \"v0.37\", \"v0.38\"",
              replacing("\"v0.37\"", "\"v0.33\"")),
        start("addr without a scheme", names: ["tmkms.toml:13", "127.0.0.1:1"], fix: "tcp://",
              replacing("tcp://127.0.0.1:1", "127.0.0.1:1")),
        start("unsupported provider", names: ["tmkms.toml", "yubihsm"], fix: "use [[providers.softsign]]",
              replacing("[[providers.softsign]]", "[[providers.yubihsm]]\nadapter = { type = \"usb\" }\n\n[[providers.softsign]]")),
        start("a chain defined twice", names: ["tmkms.toml", "id = \"kira-1\" is defined twice"], fix: "keep one [[chain]] per chain id") { s in
            try s.config { c in c.replacingOccurrences(of: "[[providers.softsign]]",
                with: c[..<c.range(of: "[[providers.softsign]]")!.lowerBound] + "[[providers.softsign]]") }
        },
        start("unterminated string", names: ["tmkms.toml:13"], fix: "add the closing `\"`",
              replacing("addr = \"tcp://127.0.0.1:1\"", "addr = \"tcp://127.0.0.1:1")),
        start("a key pasted where its path goes", names: ["tmkms.toml:11", "secret_key"], fix: "sigil softsign keygen",
              replacing("secret_key = \"secrets/kms-identity.key\"", "secret_key = \"\(Base64.encode(Sandbox.identitySeed))\"")),
        start("a key pasted unquoted", names: ["tmkms.toml:14", "characters, not shown"], fix: "strings must be quoted",
              replacing("secret_key = \"secrets/kms-identity.key\"", "secret_key = \(Base64.encode(Sandbox.identitySeed))")),
        start("state_file in a missing directory", names: ["stat/kira-1_priv_validator_state.json"], fix: "create it or fix `state_file`") {
            try FileManager.default.removeItem(atPath: $0.path("state/kira-1_priv_validator_state.json"))
            try $0.config { $0.replacingOccurrences(of: "state_file = \"state/", with: "state_file = \"stat/") }
        },
        start("a key_type the signer ignores is reported", names: ["127.0.0.1:1"], fix: "set reconnect = true to keep dialing",
              alsoPrints: ["tmkms.toml:13: key_type = \"account\" is ignored"], mayChange: BadInput.lock,
              replacing("path = \"secrets/consensus.key\"",
                        "path = \"secrets/consensus.key\"\n\n[[providers.softsign]]\nchain_ids = [\"kira-1\"]\nkey_type = \"account\"\npath = \"secrets/consensus.key\"")),
    ]
}

import Foundation
import SigilCrypto
