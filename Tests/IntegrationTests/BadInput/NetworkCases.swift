import Foundation

/// What the validator side does wrong, with `reconnect = false` so the signer's answer is its exit.
extension BadInput {
    enum Peer: Sendable {
        /// Accepts the TCP connection and never speaks.
        case silent
        /// Accepts and closes at once.
        case hangsUp
        /// Accepts and sends bytes that are not a Secret Connection handshake.
        case garbage
    }

    /// What a signer creates beside the state file at start: the lock and the journal.
    static let lock: Set<String> = [
        "state/kira-1_priv_validator_state.json.lock", "state/kira-1_priv_validator_state.json.journal",
    ]

    static let network: [BadInput] = [
        BadInput(area: "network", name: "nothing listens at addr", args: ["start", "-c", "tmkms.toml"],
                 names: ["tcp://127.0.0.1:1"], fix: "set reconnect = true to keep dialing", mayChange: lock),
        BadInput(area: "network", name: "unix socket missing", args: ["start", "-c", "tmkms.toml"],
                 setup: replacing("addr = \"tcp://127.0.0.1:1\"\nsecret_key = \"secrets/kms-identity.key\"",
                                  "addr = \"unix:///nonexistent/privval.sock\""),
                 names: ["/nonexistent/privval.sock"], fix: "set reconnect = true to keep dialing", mayChange: lock),
        BadInput(area: "network", name: "tunnel guard: a public address", args: ["start", "-c", "tmkms.toml"],
                 setup: replacing("reconnect = false", "reconnect = false\ntunnel = \"sigilwg9\""),
                 names: ["127.0.0.1"], fix: "dial the validator's tunnel address", mayChange: lock),
        BadInput(area: "network", name: "tunnel guard: no such interface", args: ["start", "-c", "tmkms.toml"],
                 setup: replacing("addr = \"tcp://127.0.0.1:1\"", "addr = \"tcp://10.200.77.1:26659\"\ntunnel = \"sigilwg9\""),
                 names: ["sigilwg9"], fix: "set reconnect = true to keep dialing", mayChange: lock),
    ]

    /// Cases that need a validator-side peer; the runner points `addr` at it.
    static let peers: [(BadInput, Peer)] = [
        (BadInput(area: "network", name: "peer never answers the handshake", args: ["start", "-c", "tmkms.toml"],
                  setup: replacing("reconnect = false", "reconnect = false\ntimeout = 1"),
                  names: ["tcp://127.0.0.1:", "timed out"], fix: "set reconnect = true to keep dialing", mayChange: lock), .silent),
        (BadInput(area: "network", name: "peer hangs up at once", args: ["start", "-c", "tmkms.toml"],
                  names: ["tcp://127.0.0.1:", "connection closed"], fix: "set reconnect = true to keep dialing", mayChange: lock), .hangsUp),
        (BadInput(area: "network", name: "peer sends garbage", args: ["start", "-c", "tmkms.toml"],
                  names: ["tcp://127.0.0.1:", "malformed"], fix: "set reconnect = true to keep dialing", mayChange: lock), .garbage),
    ]
}
