import Foundation
import SigilCrypto
import TestSupport
import Testing
@testable import SecretConnection

@Suite struct VectorTests {
    static let golden = "secret-connection/derive-secrets-golden.csv"
    static let lowOrder = "secret-connection/low-order-points.json"
    static let rust = "secret-connection/tendermint-rs-vectors.json"

    @Test(.enabled(if: Vectors.available(golden)))
    func hkdfSplitMatchesEveryGoldenLine() throws {
        let text = String(decoding: try Vectors.data(Self.golden), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 32)
        for line in lines {
            let cols = line.split(separator: ",").map(String.init)
            try #require(cols.count == 5)
            let dh = SecureBytes(copying: [UInt8](hex: cols[0]))
            let keys = SessionKeys(dhSecret: dh, locIsLeast: cols[1] == "true")
            #expect(keys.receiveKey.unsafeCopy.hexString == cols[2], "recv, line \(cols[0])")
            #expect(keys.sendKey.unsafeCopy.hexString == cols[3], "send, line \(cols[0])")
            // The legacy challenge column is the unused third 32 bytes of the same HKDF output.
            let okm = HKDFSHA256.deriveKey(ikm: [UInt8](hex: cols[0]), info: SessionKeys.hkdfInfo, length: 96)
            #expect(Array(okm.unsafeCopy[64...]).hexString == cols[4])
        }
    }

    struct LowOrderFile: Decodable {
        struct Point: Decodable { let hex: String }
        let points: [Point]
    }

    @Test(.enabled(if: Vectors.available(lowOrder)))
    func lowOrderListMatchesUpstream() throws {
        let file = try Vectors.decode(LowOrderFile.self, Self.lowOrder)
        #expect(file.points.map { [UInt8](hex: $0.hex) } == LowOrderPoints.all)
    }

    @Test(.enabled(if: Vectors.available(lowOrder)))
    func everyLowOrderEphemeralKeyIsRejected() throws {
        let file = try Vectors.decode(LowOrderFile.self, Self.lowOrder)
        for point in file.points {
            var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
            _ = machine.start()
            #expect(throws: SecretConnectionError(code: .lowOrderPoint, reason: "")) {
                try machine.receive(EphemeralKeyMessage.encode([UInt8](hex: point.hex)))
            }
        }
    }

    struct RustFile: Decodable {
        struct Nonce: Decodable {
            struct Checkpoint: Decodable { let increments_from_zero: Int; let nonce_hex: String }
            struct Overflow: Decodable { let start_nonce_hex: String }
            let checkpoints: [Checkpoint]
            let overflow: Overflow
        }
        struct PeerID: Decodable { let ed25519_pubkey_hex_upper: String; let peer_id: String }
        let nonce: Nonce
        let peer_id: PeerID
    }

    @Test(.enabled(if: Vectors.available(rust)))
    func nonceCheckpoints() throws {
        let file = try Vectors.decode(RustFile.self, Self.rust)
        #expect(FrameNonce().bytes == [UInt8](repeating: 0, count: 12))
        var nonce = FrameNonce()
        var done = 0
        for checkpoint in file.nonce.checkpoints {
            while done < checkpoint.increments_from_zero {
                try nonce.increment()
                done += 1
            }
            #expect(nonce.bytes.hexString == checkpoint.nonce_hex)
        }
    }

    @Test(.enabled(if: Vectors.available(rust)))
    func nonceOverflowIsAnError() throws {
        let file = try Vectors.decode(RustFile.self, Self.rust)
        var nonce = FrameNonce(counter: .max)
        #expect(nonce.bytes.hexString == file.nonce.overflow.start_nonce_hex)
        #expect(throws: SecretConnectionError(code: .nonceOverflow, reason: "")) { try nonce.increment() }
    }

    @Test(.enabled(if: Vectors.available(rust)))
    func peerIDVector() throws {
        let file = try Vectors.decode(RustFile.self, Self.rust)
        let key = try Ed25519.PublicKey(rawRepresentation: [UInt8](hex: file.peer_id.ed25519_pubkey_hex_upper))
        #expect(SecretConnection.peerID(of: key) == file.peer_id.peer_id)
    }
}
