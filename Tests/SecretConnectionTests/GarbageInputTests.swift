import SigilCrypto
import Testing
@testable import SecretConnection

/// Hostile bytes must end in a `SecretConnectionError` or a request for more input, never a trap.
@Suite struct GarbageInputTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func garbage(_ rng: inout Generator, maxLength: Int) -> [UInt8] {
        let n = Int.random(in: 0...maxLength, using: &rng)
        var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Often start like a real message so parsing goes deeper than the first byte.
        if n > 3 && Bool.random(using: &rng) { bytes.replaceSubrange(0..<3, with: [0x22, 0x0A, 0x20]) }
        return bytes
    }

    @Test func handshakeMachineSurvivesGarbage() {
        var rng = Generator(state: 1)
        var outcomes = [String: Int]()
        for _ in 0..<500 {
            var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
            _ = machine.start()
            do {
                _ = try machine.receive(Self.garbage(&rng, maxLength: 1200))
                outcomes["waiting", default: 0] += 1
            } catch let error as SecretConnectionError {
                outcomes[error.code.rawValue, default: 0] += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        // Random keys after a valid prefix reach the crypto and fail there, so more than one path is exercised.
        #expect(outcomes.count >= 3, "\(outcomes)")
    }

    @Test func authDecoderSurvivesGarbage() {
        var rng = Generator(state: 2)
        for _ in 0..<2000 {
            var bytes = Self.garbage(&rng, maxLength: 200)
            if !bytes.isEmpty { bytes[0] = UInt8(bytes.count - 1) & 0x7F }
            do {
                _ = try AuthSigMessage.decode(bytes)
            } catch is SecretConnectionError {
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
    }

    @Test func frameDecoderRejectsRandomFrames() {
        var rng = Generator(state: 3)
        var decoder = FrameDecoder(key: SecureBytes(copying: [UInt8](repeating: 9, count: 32)))
        decoder.append((0..<1044).map { _ in UInt8.random(in: 0...255, using: &rng) })
        #expect(throws: SecretConnectionError(code: .macFailure, reason: "")) { try decoder.next() }
    }
}
