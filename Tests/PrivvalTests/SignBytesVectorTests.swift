import Foundation
import Privval
import SigilCrypto
import Testing
import TestSupport

/// sign-bytes/votes.json and proposals.json (CometBFT, tendermint-rs and tmkms sign-bytes tests).
struct SignBytesVectorTests {
    /// Cases marked length_delimited=false assert the bare CanonicalVote; ours are always prefixed.
    private func expectedSignBytes(_ c: Model.Object) throws -> [UInt8] {
        let bytes = [UInt8](hex: try #require(c["expected_hex"] as? String))
        return c["length_delimited"] as? Bool == false ? Delimited.frame(bytes) : bytes
    }

    @Test(.enabled(if: Vectors.available("sign-bytes/votes.json")))
    func canonicalVotes() throws {
        let cases = try Model.cases("sign-bytes/votes.json")
        #expect(cases.count == 12)
        #expect(cases.filter { $0["length_delimited"] as? Bool == false }.count == 2)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let chainID = try #require(c["chain_id"] as? String)
            let canonical = Model.object(c["canonical_vote"])
            var vote = Model.vote(canonical)
            // Fields outside CanonicalVote must not change the sign bytes.
            let extra = Model.object(c["non_canonical_vote_fields"])
            vote.validatorAddress = Model.bytes(extra["validator_address"])
            vote.validatorIndex = Int32(Model.int(extra["validator_index"]))
            vote.signature = Model.bytes(extra["signature"])
            vote.extension = Model.bytes(c["vote_extension"])

            let expected = try expectedSignBytes(c)
            #expect(SignBytes.vote(vote, chainID: chainID) == expected, "\(name)")
            let decoded = try CanonicalVote(signBytes: expected)
            #expect(decoded == CanonicalVote(vote, chainID: chainID), "\(name): decoding")
            if canonical["block_id"] == nil { #expect(decoded.blockID == nil, "\(name): nil block id") }
        }
    }

    @Test(.enabled(if: Vectors.available("sign-bytes/proposals.json")))
    func canonicalProposals() throws {
        let cases = try Model.cases("sign-bytes/proposals.json")
        #expect(cases.count == 3)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let chainID = try #require(c["chain_id"] as? String)
            var proposal = Model.proposal(c["canonical_proposal"])
            proposal.signature = Model.bytes(Model.object(c["non_canonical_proposal_fields"])["signature"])
            let expected = try expectedSignBytes(c)
            #expect(SignBytes.proposal(proposal, chainID: chainID) == expected, "\(name)")
            let decoded = try CanonicalProposal(signBytes: expected)
            #expect(decoded == CanonicalProposal(proposal, chainID: chainID), "\(name)")
        }
    }

    /// types/vote_test.go TestVoteString (v0.38 adds the extension fingerprint).
    @Test(.enabled(if: Vectors.available("sign-bytes/votes.json")))
    func goVoteStrings() throws {
        let root = Model.object(try Vectors.json("sign-bytes/votes.json"))
        let vectors = Model.object(root["vote_string_vectors"])["vectors"] as? [Model.Object] ?? []
        #expect(vectors.count == 3)
        var prevote = Vote(type: .prevote, height: 12345, round: 2,
                           blockID: BlockID(hash: SHA256.hash(Array("blockID_hash".utf8)),
                                            partSetHeader: PartSetHeader(
                                                total: 1_000_000,
                                                hash: SHA256.hash(Array("blockID_part_set_header_hash".utf8)))),
                           timestamp: Timestamp(seconds: 1_514_170_801, nanos: 234_000_000),
                           validatorAddress: Array(SHA256.hash(Array("validator_address".utf8)).prefix(20)),
                           validatorIndex: 56789)
        for v in vectors {
            let v38 = (v["versions"] as? [String]) == ["v0.38"]
            var precommit = prevote
            precommit.type = .precommit
            if v38 {
                precommit.extension = Array("extension".utf8)
                precommit.extensionSignature = Array("signature".utf8)
            }
            #expect(precommit.goString(withExtension: v38) == v["precommit"] as? String)
            #expect(prevote.goString(withExtension: v38) == v["prevote"] as? String)
        }
        prevote.blockID = BlockID()
        #expect(prevote.description == "Prevote:<nil> at h/r 12345/2")
    }

    /// types/proposal_test.go TestProposalString.
    @Test(.enabled(if: Vectors.available("sign-bytes/proposals.json")))
    func goProposalString() throws {
        let root = Model.object(try Vectors.json("sign-bytes/proposals.json"))
        let vectors = Model.object(root["proposal_string_vectors"])["vectors"] as? [Model.Object] ?? []
        let hash = Array("--June_15_2020_amino_was_removed".utf8)
        let proposal = Proposal(height: 12345, round: 23456, polRound: -1,
                                blockID: BlockID(hash: hash, partSetHeader: PartSetHeader(total: 111, hash: hash)),
                                timestamp: Timestamp(seconds: 1_518_332_962, nanos: 765_000_000))
        #expect(vectors.count == 3)
        for v in vectors { #expect(proposal.goString() == v["expected"] as? String) }
        #expect(proposal.description == "Unknown:2D2D4A756E at h/r 12345/23456 pol -1")
    }
}
