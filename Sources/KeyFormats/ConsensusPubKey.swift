import SigilCrypto

/// An Ed25519 consensus public key and the renderings operators paste into chains and explorers.
public struct ConsensusPubKey: Hashable, Sendable {
    public let publicKey: Ed25519.PublicKey

    /// Amino prefix of an Ed25519 `PubKey` (0x1624DE64) followed by the key length 0x20; legacy Cosmos
    /// bech32 public keys (`…valconspub1zcjduepq…`) wrap these 37 bytes.
    public static let aminoPrefix: [UInt8] = [0x16, 0x24, 0xDE, 0x64, 0x20]

    public init(_ publicKey: Ed25519.PublicKey) {
        self.publicKey = publicKey
    }

    /// The operator-chosen rendering for `sigil … show-pubkey --format`.
    public enum Format: String, CaseIterable, Sendable {
        case hex, base64, bech32, cosmosJSON = "cosmos-json", aminoJSON = "amino-json", address
    }

    public var bytes: [UInt8] { publicKey.rawRepresentation }

    /// Upper-case hex, as CometBFT prints keys.
    public var hex: String { Hex.encode(bytes, uppercase: true) }

    public var base64: String { Base64.encode(bytes) }

    /// Legacy amino bech32 (`kiravalconspub1…`, `cosmosvalconspub1…`) for any prefix.
    public func bech32(hrp: String) -> String {
        Bech32.encode(hrp: hrp, data: Self.aminoPrefix + bytes)
    }

    /// The `--pubkey` argument of `sekaid`/`gaiad tx staking create-validator`.
    public var cosmosJSON: String {
        "{\"@type\":\"/cosmos.crypto.ed25519.PubKey\",\"key\":\"\(base64)\"}"
    }

    /// The `pub_key` object of `priv_validator_key.json`.
    public var aminoJSON: String {
        "{\"type\":\"tendermint/PubKeyEd25519\",\"value\":\"\(base64)\"}"
    }

    /// The validator address: the first 20 bytes of SHA-256(pubkey).
    public var address: [UInt8] { Array(SHA256.hash(bytes).prefix(20)) }

    /// Upper-case hex address, as in `priv_validator_key.json` and CometBFT logs.
    public var addressHex: String { Hex.encode(address, uppercase: true) }

    /// The consensus address in bech32 (`kiravalcons1…`).
    public func addressBech32(hrp: String) -> String {
        Bech32.encode(hrp: hrp, data: address)
    }

    /// `hrp` is used by `bech32` (defaults to `kiravalconspub`); `address` renders upper-case hex.
    public func render(_ format: Format, hrp: String = "kiravalconspub") -> String {
        switch format {
        case .hex: hex
        case .base64: base64
        case .bech32: bech32(hrp: hrp)
        case .cosmosJSON: cosmosJSON
        case .aminoJSON: aminoJSON
        case .address: addressHex
        }
    }

    /// Parses a legacy amino bech32 public key and returns it with its prefix.
    public init(bech32 text: String) throws {
        let (_, data) = try Bech32.decode(text)
        guard data.count == 37, Array(data.prefix(5)) == Self.aminoPrefix else {
            throw KeyFormatError.invalidBech32(text, "not an amino Ed25519 public key (expected prefix 1624DE6420)")
        }
        do {
            publicKey = try Ed25519.PublicKey(rawRepresentation: Array(data.suffix(32)))
        } catch {
            throw KeyFormatError.invalidBech32(text, "\(error)")
        }
    }
}
