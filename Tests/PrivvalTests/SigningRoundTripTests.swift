import Foundation
import Privval
import SigilCrypto
import Testing
import TestSupport

/// privval/derived-signing-roundtrips.json: request -> sign bytes -> Ed25519 signature -> response bytes.
struct SigningRoundTripTests {
    static let file = "privval/derived-signing-roundtrips.json"

    @Test(.enabled(if: Vectors.available(file)))
    func requestToSignedResponse() throws {
        let root = Model.object(try Vectors.json(Self.file))
        let seed = [UInt8](hex: try #require(Model.object(root["signing_key"])["seed_hex"] as? String))
        let key = try Ed25519.PrivateKey(seed: seed)
        let cases = try Model.cases(Self.file)
        #expect(cases.count == 12)

        for c in cases {
            let label = "\(c["version"] ?? "?") \(c["kind"] ?? "?") chain '\(c["chain_id"] ?? "?")'"
            let request = try PrivvalMessage(decoding: [UInt8](hex: try #require(c["request_hex"] as? String)))
            let signBytes = [UInt8](hex: try #require(c["sign_bytes_hex"] as? String))
            let signature = [UInt8](hex: try #require(c["signature_hex"] as? String))
            let response = [UInt8](hex: try #require(c["response_hex"] as? String))
            #expect(request.encoded().hexString == c["request_hex"] as? String, "\(label): request re-encodes")

            switch request {
            case .signVoteRequest(var vote, let chainID):
                #expect(chainID == c["chain_id"] as? String, "\(label)")
                #expect(SignBytes.vote(vote, chainID: chainID) == signBytes, "\(label): sign bytes")
                vote.signature = key.signature(for: signBytes)
                #expect(vote.signature == signature, "\(label): signature")
                if let extHex = c["extension_sign_bytes_hex"] as? String {
                    let extBytes = SignBytes.voteExtension(vote, chainID: chainID)
                    #expect(extBytes == [UInt8](hex: extHex), "\(label): extension sign bytes")
                    vote.extensionSignature = key.signature(for: extBytes)
                    #expect(vote.extensionSignature.hexString == c["extension_signature_hex"] as? String, "\(label)")
                }
                #expect(PrivvalMessage.signedVoteResponse(vote, error: nil).encoded() == response, "\(label): response")
            case .signProposalRequest(var proposal, let chainID):
                #expect(chainID == c["chain_id"] as? String, "\(label)")
                #expect(SignBytes.proposal(proposal, chainID: chainID) == signBytes, "\(label): sign bytes")
                proposal.signature = key.signature(for: signBytes)
                #expect(proposal.signature == signature, "\(label): signature")
                #expect(PrivvalMessage.signedProposalResponse(proposal, error: nil).encoded() == response,
                        "\(label): response")
            default:
                Issue.record("\(label): unexpected request \(request)")
            }
            #expect(key.publicKey.isValidSignature(signature, for: signBytes), "\(label)")
        }
    }
}
