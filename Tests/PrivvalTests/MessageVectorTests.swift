import Foundation
import Privval
import SigilCrypto
import Testing
import TestSupport

/// CometBFT privval/msgs_test.go TestPrivvalVectors, per version.
struct MessageVectorTests {
    static let files = ["privval/messages-v0.34.json", "privval/messages-v0.37.json", "privval/messages-v0.38.json"]

    @Test(.enabled(if: files.allSatisfy(Vectors.available)), arguments: files)
    func upstreamVectorsEncodeAndDecodeByteForByte(file: String) throws {
        let cases = try Model.cases(file)
        #expect(cases.count == 11)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let expected = [UInt8](hex: try #require(c["expected_hex"] as? String))
            let model = try #require(Model.message(c["message"]), "\(file) \(name): unparsed message description")

            #expect(model.encoded() == expected, "\(file) \(name): encoding")
            let decoded = try PrivvalMessage(decoding: expected)
            #expect(decoded == model, "\(file) \(name): decoding")
            #expect(decoded.encoded() == expected, "\(file) \(name): re-encoding")
            #expect(decoded.field == c["oneof_field_number"] as? Int, "\(file) \(name): oneof arm")
        }
    }

    @Test(.enabled(if: Vectors.available("privval/messages-v0.38.json")))
    func pubKeyResponseCarriesTheItsASecretKey() throws {
        let seed = SHA256.hash(Array("it's a secret".utf8))
        let key = try Ed25519.PrivateKey(seed: seed)
        let bytes = [UInt8](hex: "12240a220a20556a436f1218d30942efe798420f51dc9b6a311b929c578257457d05c5fcf230")
        #expect(try PrivvalMessage(decoding: bytes) == .pubKeyResponse(.ed25519(key.publicKey.rawRepresentation),
                                                                        error: nil))
    }

    /// tendermint-rs bare SignVoteRequest / SignProposalRequest / PubKeyResponse (no Message wrapper).
    @Test(.enabled(if: Vectors.available("privval/tendermint-rs-messages.json")))
    func tendermintRsBareMessages() throws {
        let cases = try Model.cases("privval/tendermint-rs-messages.json")
        #expect(cases.count == 3)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let bare = [UInt8](hex: try #require(c["expected_hex"] as? String))
            let m = Model.object(c["message"])
            let (arm, model): (Int, PrivvalMessage) = switch c["message_type"] as? String {
            case "tendermint.privval.SignVoteRequest":
                (3, .signVoteRequest(Model.vote(m["vote"]), chainID: m["chain_id"] as? String ?? ""))
            case "tendermint.privval.SignProposalRequest":
                (5, .signProposalRequest(Model.proposal(m["proposal"]), chainID: m["chain_id"] as? String ?? ""))
            default:
                (2, .pubKeyResponse(Model.publicKey(m["pub_key"]), error: nil))
            }
            let decoded = try PrivvalMessage(decoding: Wrap.field(arm, bare))
            #expect(decoded == model, "\(name): decoding")
            #expect(Wrap.unwrap(arm, model.encoded()) == bare, "\(name): encoding")
        }
    }

    /// CometBFT consensus/msgs_test.go: Proposal and Vote nested in tendermint.consensus.Message.
    @Test(.enabled(if: Vectors.available("proto/consensus-vote-proposal.json")))
    func consensusVoteAndProposalEncodings() throws {
        let cases = try Model.cases("proto/consensus-vote-proposal.json")
        #expect(cases.count == 4)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let expected = [UInt8](hex: try #require(c["expected_hex"] as? String))
            // tendermint.consensus.Message has proposal = 3 and vote = 6; the file's "oneof_field_number"
            // annotation says 7 for the votes, but the upstream bytes start with 0x32 (field 6).
            let outerArm = c["consensus_message_oneof"] as? String == "proposal" ? 3 : 6
            let inner = try #require(Wrap.unwrap(outerArm, expected).flatMap { Wrap.unwrap(1, $0) }, "\(name)")
            let body = Model.object(Model.object(c["message"]).first?.value)
            if outerArm == 3 {
                let model = Model.proposal(body["proposal"])
                #expect(try Proposal(decoding: inner) == model, "\(name): decoding")
                #expect(Wrap.field(3, Wrap.field(1, model.encoded())) == expected, "\(name): encoding")
            } else {
                let model = Model.vote(body["vote"])
                #expect(try Vote(decoding: inner) == model, "\(name): decoding")
                #expect(Wrap.field(6, Wrap.field(1, model.encoded())) == expected, "\(name): encoding")
            }
        }
    }
}
