import Foundation
import Privval
import Testing
import TestSupport

/// `SignBytes.consensusMessage`: the guard that keeps v1 SignBytes from signing a vote or proposal.
struct ConsensusBytesTests {
    /// Every upstream canonical vote and proposal is recognised, length-prefixed as verifiers build them.
    @Test(.enabled(if: ["sign-bytes/votes.json", "sign-bytes/proposals.json"].allSatisfy(Vectors.available)))
    func everyUpstreamSignBytesVectorIsRecognised() throws {
        for file in ["sign-bytes/votes.json", "sign-bytes/proposals.json"] {
            for c in try Model.cases(file) {
                var bytes = [UInt8](hex: try #require(c["expected_hex"] as? String))
                if c["length_delimited"] as? Bool == false { bytes = Delimited.frame(bytes) }
                let found = SignBytes.consensusMessage(in: bytes)
                #expect(found?.contains("for chain `\(c["chain_id"] as? String ?? "?")`") == true,
                        "\(file) \(c["name"] ?? "?"): \(found ?? "not recognised")")
            }
        }
    }

    @Test func votesProposalsAndExtensionsBuiltHereAreRecognised() {
        let block = BlockID(hash: [UInt8](repeating: 7, count: 32),
                            partSetHeader: PartSetHeader(total: 1, hash: [UInt8](repeating: 8, count: 32)))
        let precommit = Vote(type: .precommit, height: 51, round: 2, blockID: block,
                             timestamp: Timestamp(seconds: 1_700_000_000, nanos: 5), extension: Array("ext".utf8))
        #expect(SignBytes.consensusMessage(in: SignBytes.vote(precommit, chainID: "kira-1"))
                == "a canonical Precommit for chain `kira-1` at height 51 round 2")
        let nilPrevote = Vote(type: .prevote, height: 9, timestamp: Timestamp(seconds: 1))
        #expect(SignBytes.consensusMessage(in: SignBytes.vote(nilPrevote, chainID: "kira-1"))
                == "a canonical Prevote for chain `kira-1` at height 9 round 0")
        let proposal = Proposal(type: .proposal, height: 51, round: 0, polRound: -1, blockID: block,
                                timestamp: Timestamp(seconds: 1_700_000_000))
        #expect(SignBytes.consensusMessage(in: SignBytes.proposal(proposal, chainID: "kira-1"))
                == "a canonical Proposal for chain `kira-1` at height 51 round 0")
        #expect(SignBytes.consensusMessage(in: SignBytes.voteExtension(precommit, chainID: "kira-1"))
                == "a canonical vote extension for chain `kira-1` at height 51 round 2")
        // signer-anchors §2.8 (derived): CanonicalVoteExtension("extension", H3, R2, test_chain_id).
        let upstreamStyle = [UInt8](hex: "2c0a09657874656e73696f6e110300000000000000190200000000000000220d746573745f636861696e5f6964")
        #expect(SignBytes.consensusMessage(in: upstreamStyle)?.contains("vote extension for chain `test_chain_id`") == true)
    }

    /// Only exact canonical encodings count: anything a verifier would re-encode differently cannot carry a
    /// valid vote or proposal signature, so it may be signed.
    @Test func applicationBytesAreNotConsensusMessages() {
        let vote = SignBytes.vote(Vote(type: .prevote, height: 9, timestamp: Timestamp(seconds: 1)), chainID: "c")
        let body = Array(vote.dropFirst())
        #expect(SignBytes.consensusMessage(in: body) == nil, "no length prefix: no verifier builds that")
        #expect(SignBytes.consensusMessage(in: Delimited.frame(body + [0x38, 0x01])) == nil, "unknown field 7")
        #expect(SignBytes.consensusMessage(in: vote + [0x00]) == nil, "trailing byte")
        #expect(SignBytes.consensusMessage(in: Array("an application message".utf8)) == nil)
        #expect(SignBytes.consensusMessage(in: []) == nil)
        // Height 9 written as a varint instead of sfixed64: decodes to nothing a verifier would produce.
        #expect(SignBytes.consensusMessage(in: Delimited.frame([0x08, 0x01, 0x10, 0x09])) == nil)
    }
}
