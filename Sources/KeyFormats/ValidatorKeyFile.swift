import Foundation
import SigilCrypto

/// CometBFT `priv_validator_key.json` (and `node_key.json`, which has only `priv_key`):
/// `priv_key.value` is base64 of seed ‖ public key; `pub_key` and `address` are checked when present.
public struct ValidatorKeyFile: Sendable {
    public let privateKey: Ed25519.PrivateKey
    public var publicKey: ConsensusPubKey { ConsensusPubKey(privateKey.publicKey) }

    public init(privateKey: Ed25519.PrivateKey) {
        self.privateKey = privateKey
    }

    public static let privKeyType = "tendermint/PrivKeyEd25519"
    public static let pubKeyType = "tendermint/PubKeyEd25519"

    /// Reads and checks the file (mode 0600 or stricter).
    public static func load(_ path: String) throws -> ValidatorKeyFile {
        var data = try SecretFile.readChecked(path)
        defer { wipe(&data) }
        return try parse(data, path: path)
    }

    /// Parses file contents; `path` is only used in error messages.
    public static func parse(_ contents: [UInt8], path: String) throws -> ValidatorKeyFile {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(contents))
        } catch {
            throw KeyFormatError.invalidJSON(path, "not JSON (\(contents.count) bytes); give the node's "
                + "priv_validator_key.json (in its config/ directory)")
        }
        guard let root = json as? [String: Any] else { throw KeyFormatError.invalidJSON(path, "not a JSON object") }
        guard let priv = root["priv_key"] as? [String: Any] else {
            throw KeyFormatError.invalidJSON(path, "no `priv_key' object")
        }
        let type = priv["type"] as? String ?? "<missing>"
        guard type == privKeyType else { throw unsupported(path, type) }
        guard let value = priv["value"] as? String else {
            throw KeyFormatError.invalidJSON(path, "`priv_key.value' is missing or not a string")
        }
        var raw: [UInt8]
        do {
            raw = try Base64.decode(value)
        } catch {
            throw KeyFormatError.invalidEncoding(
                path, "`priv_key.value' is not valid base64 (\(value.count) characters)")
        }
        defer { wipe(&raw) }
        guard raw.count == 64 else {
            throw KeyFormatError.invalidKeyLength(
                path,
                "`priv_key.value' holds \(raw.count) bytes; an Ed25519 key here is 64 bytes (seed ‖ public key)")
        }
        let key = try Ed25519.PrivateKey(seed: SecureBytes(copying: raw[0..<32]))
        let derived = ConsensusPubKey(key.publicKey)
        guard Array(raw[32..<64]) == derived.bytes else {
            throw KeyFormatError.keyMismatch(
                path, "the public half of `priv_key.value' does not belong to its seed (derived \(derived.base64))")
        }
        if let pub = root["pub_key"] {
            guard let pub = pub as? [String: Any], let pubValue = pub["value"] as? String else {
                throw KeyFormatError.invalidJSON(path, "`pub_key' must be an object with a string `value'")
            }
            let pubType = pub["type"] as? String ?? "<missing>"
            guard pubType == pubKeyType else { throw unsupported(path, pubType) }
            guard pubValue == derived.base64 else {
                throw KeyFormatError.keyMismatch(
                    path, "`pub_key.value' `\(pubValue)' does not match the private key (derived \(derived.base64))")
            }
        }
        if let address = root["address"] {
            guard let address = address as? String, address.uppercased() == derived.addressHex else {
                throw KeyFormatError.addressMismatch(path, stated: "\(address)", derived: derived.addressHex)
            }
        }
        return ValidatorKeyFile(privateKey: key)
    }

    private static func unsupported(_ path: String, _ type: String) -> KeyFormatError {
        let hint = type.contains("Secp256k1")
            ? "sigil signs consensus messages with Ed25519 only; secp256k1 validator keys cannot be used"
            : "expected `\(privKeyType)' / `\(pubKeyType)'"
        return KeyFormatError.unsupportedKeyType(path, type, hint: hint)
    }

    /// Creates `path` (mode 0600, never overwriting) in CometBFT's format, e.g. to hand a key back to a node.
    public func write(path: String) throws {
        var contents = rendered()
        defer { wipe(&contents) }
        try SecretFile.createExclusive(path: path, contents: contents)
    }

    /// The JSON CometBFT writes for this key (address, pub_key, priv_key), for exporting back to a node.
    /// The result holds the private key; the caller writes it with `SecretFile.createExclusive` and wipes it.
    public func rendered() -> [UInt8] {
        var seed = privateKey.seed.unsafeCopy
        defer { wipe(&seed) }
        let pub = publicKey
        var both = seed + pub.bytes
        defer { wipe(&both) }
        var value = Array(Base64.encode(both).utf8)
        defer { wipe(&value) }
        let head = """
            {
              "address": "\(pub.addressHex)",
              "pub_key": {
                "type": "\(Self.pubKeyType)",
                "value": "\(pub.base64)"
              },
              "priv_key": {
                "type": "\(Self.privKeyType)",
                "value": "
            """
        return Array(head.utf8) + value + Array("\"\n  }\n}".utf8)
    }
}
