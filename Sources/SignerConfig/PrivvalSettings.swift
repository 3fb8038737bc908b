/// What Sigil speaks to one `[[validator]]`, resolved from its `protocol_version` and its chain's
/// `sign_extensions` and `sign_bytes`. The runtime logs `summary` and `warnings` when it starts.
public struct PrivvalSettings: Hashable, Sendable {
    public enum Forms: Hashable, Sendable {
        /// `tendermint.privval` (v0.34–v0.38): the legacy `PubKeyResponse`; v1-only requests are unknown.
        case legacy
        /// `cometbft.privval.v1`: the v1 `PubKeyResponse`, `skip_extension_signing`, SignBytes.
        case v1
        /// No `protocol_version`: a `PubKeyResponse` carrying both key forms, and v1 requests understood.
        case both
    }

    public var forms: Forms
    /// As written, or v0.38 when absent (then `forms` is `.both`).
    public var protocolVersion: ValidatorConfig.ProtocolVersion
    /// Sign the extension of non-nil precommits, unless a v1 request sets `skip_extension_signing`.
    public var signExtensions: Bool
    /// Answer `SignBytesRequest` with a signature (never for `.legacy`, which has no such request).
    public var signBytes: Bool
    /// One line for the start-up log saying what this validator gets.
    public var summary: String
    /// `file:line: ...` for settings that are not applied as written.
    public var warnings: [String]

    public init(chain: ChainConfig, validator v: ValidatorConfig, file: String) {
        forms = v.protocolVersionLine == nil ? .both : v.protocolVersion == .v1 ? .v1 : .legacy
        protocolVersion = v.protocolVersion
        // A v0.38 node with vote extensions enabled halts (CONSENSUS FAILURE) on a non-nil precommit without an
        // extension signature and drops one it did not ask for, but cannot say which it is; v1 nodes say per
        // vote. So for these nodes the signature is always produced (and v1's skip flag honoured).
        let needed = forms != .legacy || v.protocolVersion == .v0_38
        signExtensions = needed || chain.signExtensions
        signBytes = chain.signBytes && forms != .legacy
        warnings = []

        let name: String
        let extensions: String
        let bytes: String
        switch forms {
        case .legacy:
            name = v.protocolVersion.rawValue
            extensions = signExtensions ? "signed on non-nil precommits" : "not signed"
            bytes = "SignBytes is not part of this protocol"
        case .v1, .both:
            name = forms == .v1 ? "v1" : "v0.34-v0.38 and v1 alike (no protocol_version)"
            extensions = "signed on non-nil precommits unless the node sets skip_extension_signing"
            bytes = signBytes ? "SignBytes allowed (sign_bytes = true) except for consensus messages"
                : "SignBytes refused (sign_bytes is off)"
        }
        summary = "privval \(name): vote extensions \(extensions); \(bytes)"

        let validator = "[[validator]] \(v.addr) (line \(v.line))"
        if let line = chain.signExtensionsLine, !chain.signExtensions, needed {
            let why = switch forms {
            case .legacy: "a v0.38 node needs extension signatures on non-nil precommits; set protocol_version = "
                + "\"v0.37\" or \"v0.34\" if the node is older, or remove sign_extensions"
            case .v1: "a v1 node says per vote whether it needs one (skip_extension_signing); remove sign_extensions"
            case .both: "without protocol_version Sigil signs them as v0.38 and v1 nodes need; set "
                + "protocol_version = \"v0.37\" or \"v0.34\" if the node is older, or remove sign_extensions"
            }
            warnings.append("\(file):\(line): sign_extensions = false for chain \(chain.id) is not applied to "
                + "\(validator): vote extensions are signed on non-nil precommits, because \(why)")
        }
        if chain.signBytes, forms == .legacy {
            warnings.append("\(file):\(v.protocolVersionLine ?? v.line): sign_bytes = true for chain \(chain.id) "
                + "has no effect on \(validator): protocol_version = \"\(v.protocolVersion.rawValue)\" has no "
                + "SignBytesRequest (CometBFT v1 has; set protocol_version = \"v1\" for a v1 node)")
        }
    }
}
