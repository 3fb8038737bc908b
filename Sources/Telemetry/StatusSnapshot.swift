import Foundation

/// What `/status` serves and `sigil status` shows: a point-in-time view of a running signer.
public struct StatusSnapshot: Codable, Sendable, Equatable {
    public struct Chain: Codable, Sendable, Equatable {
        public var chainID: String
        public var height: Int64
        public var round: Int32
        /// As in the log lines: proposal 1, prevote 2, precommit 3; 0 before any signature.
        public var step: Int
        /// Seconds since this process last released a signature for the chain (since start when none yet).
        public var secondsSinceSignature: Double
        public var signedSinceStart: Bool
        public var stateWritable: Bool

        enum CodingKeys: String, CodingKey {
            case chainID = "chain_id", height, round, step, secondsSinceSignature = "seconds_since_signature"
            case signedSinceStart = "signed_since_start", stateWritable = "state_writable"
        }
    }

    public struct Validator: Codable, Sendable, Equatable {
        public var chainID: String
        public var validator: String
        public var connected: Bool
        /// Seconds since the connection state last changed (nil: never connected).
        public var secondsInState: Double?
        public var connects: Int
        public var disconnects: Int
        /// Over the last few hundred requests, in milliseconds.
        public var roundTripP50Ms: Double?
        public var roundTripP99Ms: Double?

        enum CodingKeys: String, CodingKey {
            case chainID = "chain_id", validator, connected, secondsInState = "seconds_in_state", connects, disconnects
            case roundTripP50Ms = "round_trip_p50_ms", roundTripP99Ms = "round_trip_p99_ms"
        }
    }

    public struct Tunnel: Codable, Sendable, Equatable {
        public var interface: String
        public var up: Bool
        /// nil when the device cannot be read or has never completed a handshake.
        public var lastHandshakeAgeSeconds: Double?
        public var receivedBytes: UInt64
        public var sentBytes: UInt64

        enum CodingKeys: String, CodingKey {
            case interface, up, lastHandshakeAgeSeconds = "last_handshake_age_seconds"
            case receivedBytes = "received_bytes", sentBytes = "sent_bytes"
        }
    }

    public var version: String
    public var uptimeSeconds: Double
    public var ready: Bool
    /// Why not ready, one line each.
    public var notReady: [String]
    public var chains: [Chain]
    public var validators: [Validator]
    public var tunnels: [Tunnel]

    enum CodingKeys: String, CodingKey {
        case version, uptimeSeconds = "uptime_seconds", ready, notReady = "not_ready", chains, validators, tunnels
    }

    public static func decode(_ bytes: [UInt8]) throws -> StatusSnapshot {
        try JSONDecoder().decode(StatusSnapshot.self, from: Data(bytes))
    }

    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [10]
    }
}
