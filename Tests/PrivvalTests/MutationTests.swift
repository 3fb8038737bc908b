import Privval
import Testing
import TestSupport

/// Damaged input never traps: every mutation of a real message either decodes to something that
/// re-encodes stably or throws a PrivvalError.
struct MutationTests {
    /// xorshift64*, seeded, so a failure reproduces.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let seeds: [[UInt8]] = [
        CodecTests.voteRequest, CodecTests.voteErrorResponse,
        PrivvalMessage.signProposalRequest(Proposal(type: .proposal, height: 9, round: 1, polRound: -1,
                                                    blockID: BlockID(hash: [1, 2, 3]), timestamp: Timestamp(seconds: 7),
                                                    signature: [9]), chainID: "kira-1").encoded(),
        PrivvalMessage.pubKeyResponse(.ed25519([UInt8](repeating: 5, count: 32)), error: nil).encoded(),
    ]

    @Test(arguments: 0..<seeds.count)
    func mutatedMessagesDecodeOrThrow(index: Int) {
        var rng = Rng(state: 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
        var decodedCount = 0
        for _ in 0..<2000 {
            var bytes = Self.seeds[index]
            for _ in 0...rng.below(3) {
                switch rng.below(4) {
                case 0 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 1 where !bytes.isEmpty: bytes.removeSubrange(rng.below(bytes.count)...)
                case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count + 1))
                default: if !bytes.isEmpty { bytes[rng.below(bytes.count)] ^= 0x80 }
                }
            }
            do {
                let message = try PrivvalMessage(decoding: bytes)
                decodedCount += 1
                let again = try PrivvalMessage(decoding: message.encoded())
                #expect(again == message, "\(bytes.hexString)")
                _ = message.description
            } catch is PrivvalError {
                continue
            } catch {
                Issue.record("unexpected error \(error) for \(bytes.hexString)")
            }
        }
        // Some mutations (e.g. inside byte fields) still decode; the property above is then exercised.
        #expect(decodedCount > 0)
    }
}
