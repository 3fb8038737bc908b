import Foundation
import Privval
import SigilCrypto
import Testing
import TestSupport

/// cometbft.privval.v1 (CometBFT v1.0, proto/cometbft/privval/v1/types.proto). No upstream test asserts these
/// encodings, so the expected bytes are written out by hand from the field numbers and wire types:
/// a key is (field << 3 | wire type), wire type 0 = varint, 2 = length-delimited.
struct V1MessageTests {
    /// The "it's a secret" key of CometBFT's privval/msgs_test.go.
    static let key = [UInt8](hex: "556a436f1218d30942efe798420f51dc9b6a311b929c578257457d05c5fcf230")
    static let keyHex = "556a436f1218d30942efe798420f51dc9b6a311b929c578257457d05c5fcf230"
    /// RemoteSignerError{code: 1, description: "it's a error"}: 08 01 (code) 12 0c <12 bytes> (description).
    static let errorBody = "0801120c" + Array("it's a error".utf8).hexString
    static let error = RemoteSignerError(code: 1, description: "it's a error")

    @Test func pubKeyResponseV1() throws {
        // Message.pub_key_response = 2 -> 12; PubKeyResponse.pub_key_bytes = 3 -> 1a 20 <32 bytes>,
        // pub_key_type = 4 -> 22 07 "ed25519"; 34 + 9 = 43 = 0x2b bytes. Field 1 is reserved in v1.
        let golden = "122b" + "1a20" + Self.keyHex + "2207" + Array("ed25519".utf8).hexString
        let message = PrivvalMessage.pubKeyResponseV1(.ed25519(Self.key), error: nil, alsoLegacy: false)
        #expect(message.encoded().hexString == golden)
        #expect(try PrivvalMessage(decoding: [UInt8](hex: golden), dialect: .v1) == message)
        // A legacy node reads field 1 only: it finds no key.
        #expect(try PrivvalMessage(decoding: [UInt8](hex: golden)) == .pubKeyResponse(nil, error: nil))
    }

    @Test func pubKeyResponseInBothForms() throws {
        // Legacy field 1 (tendermint.crypto.PublicKey{ed25519 = 1}) = 0a 22 0a 20 <key>, then the v1 fields:
        // 36 + 34 + 9 = 79 = 0x4f bytes.
        let golden = "124f" + "0a220a20" + Self.keyHex + "1a20" + Self.keyHex + "2207"
            + Array("ed25519".utf8).hexString
        let message = PrivvalMessage.pubKeyResponseV1(.ed25519(Self.key), error: nil, alsoLegacy: true)
        #expect(message.encoded().hexString == golden)
        // Each decoder takes its own fields and skips the others, as gogoproto's generated Unmarshal does
        // (the default case calls skipTypes; v1's reserved field 1 has no case of its own).
        #expect(try PrivvalMessage(decoding: [UInt8](hex: golden), dialect: .v1) == message)
        #expect(try PrivvalMessage(decoding: [UInt8](hex: golden)) == .pubKeyResponse(.ed25519(Self.key), error: nil))
    }

    @Test(.enabled(if: Vectors.available("privval/messages-v0.38.json")))
    func legacyPubKeyResponseCarriesNoV1Key() throws {
        // The upstream v0.38 "pubKey response": a v1 node decodes it to an empty pub_key_type, which CometBFT v1
        // reports as `encoding: unsupported key`.
        let legacy = try Self.upstream("pubKey response")
        #expect(try PrivvalMessage(decoding: legacy, dialect: .v1) == .pubKeyResponseV1(nil, error: nil, alsoLegacy: true))
    }

    @Test(.enabled(if: Vectors.available("privval/messages-v0.38.json")))
    func pubKeyErrorResponses() throws {
        // Go's v1 handler sends PubKeyResponse{PubKeyType: "", PubKeyBytes: []byte{}, Error: e}: only field 2.
        let golden = "1212" + "1210" + Self.errorBody
        let v1 = PrivvalMessage.pubKeyResponseV1(nil, error: Self.error, alsoLegacy: false)
        #expect(v1.encoded().hexString == golden)
        #expect(try PrivvalMessage(decoding: [UInt8](hex: golden), dialect: .v1) == v1)
        // With the legacy field added it is exactly the upstream v0.38 error response (0a 00 = empty pub_key).
        let both = PrivvalMessage.pubKeyResponseV1(nil, error: Self.error, alsoLegacy: true)
        #expect(both.encoded() == (try Self.upstream("pubKey response with error")))
    }

    @Test(.enabled(if: Vectors.available("privval/messages-v0.38.json")))
    func signVoteRequestSkippingExtension() throws {
        // The upstream v0.38 "Vote Request" is 1a 81 01 <0a 7f vote>; v1 appends skip_extension_signing = 3
        // (varint) -> 18 01, so the body grows from 129 to 131 bytes: 1a 83 01.
        let legacy = try Self.upstream("Vote Request")
        let vote = Array(legacy.dropFirst(3))
        let golden = [0x1a, 0x83, 0x01] + vote + [0x18, 0x01]
        guard case .signVoteRequest(let decodedVote, let chain) = try PrivvalMessage(decoding: legacy) else {
            Issue.record("the upstream vector is a SignVoteRequest")
            return
        }
        let message = PrivvalMessage.signVoteRequestSkippingExtension(decodedVote, chainID: chain)
        #expect(message.encoded() == golden)
        #expect(try PrivvalMessage(decoding: golden, dialect: .v1) == message)
        // A legacy decoder skips field 3; an explicit false (18 00, never sent by proto3) means "sign it".
        #expect(try PrivvalMessage(decoding: golden) == .signVoteRequest(decodedVote, chainID: chain))
        let explicitFalse = [0x1a, 0x83, 0x01] + vote + [0x18, 0x00]
        #expect(try PrivvalMessage(decoding: explicitFalse, dialect: .v1) == .signVoteRequest(decodedVote, chainID: chain))
    }

    @Test func signBytesRequestAndResponse() throws {
        // Message.sign_bytes_request = 9 -> 4a; SignBytesRequest.value = 1 -> 0a 07 "sign me".
        let request = "4a09" + "0a07" + Array("sign me".utf8).hexString
        #expect(PrivvalMessage.signBytesRequest(Array("sign me".utf8)).encoded().hexString == request)
        #expect(try PrivvalMessage(decoding: [UInt8](hex: request), dialect: .v1) == .signBytesRequest(Array("sign me".utf8)))
        #expect(try PrivvalMessage(decoding: [UInt8](hex: request)) == .unknown(field: 9))

        // Message.sign_bytes_response = 10 -> 52; SignBytesResponse.signature = 1 -> 0a 40 <64 bytes>.
        let signature = [UInt8](0..<64)
        let response = "5242" + "0a40" + signature.hexString
        let signed = PrivvalMessage.signBytesResponse(signature: signature, error: nil)
        #expect(signed.encoded().hexString == response)
        #expect(try PrivvalMessage(decoding: [UInt8](hex: response), dialect: .v1) == signed)

        // An error reply carries no signature: SignBytesResponse.error = 2 -> 12 10 <error>.
        let refusal = "5212" + "1210" + Self.errorBody
        let refused = PrivvalMessage.signBytesResponse(signature: [], error: Self.error)
        #expect(refused.encoded().hexString == refusal)
        #expect(try PrivvalMessage(decoding: [UInt8](hex: refusal), dialect: .v1) == refused)
    }

    @Test func unknownKeyTypesAreErrors() throws {
        // pub_key_type "sr25519": 22 07 73 72 32 35 35 31 39, with 1a 01 00 as the key bytes.
        let bytes = [UInt8](hex: "120c" + "1a0100" + "2207" + Array("sr25519".utf8).hexString)
        let error = #expect(throws: PrivvalError.self) { try PrivvalMessage(decoding: bytes, dialect: .v1) }
        #expect(error?.description.contains("unsupported key type `sr25519`") == true)
    }

    static func upstream(_ name: String) throws -> [UInt8] {
        let c = try #require(try Model.cases("privval/messages-v0.38.json").first { $0["name"] as? String == name })
        return [UInt8](hex: try #require(c["expected_hex"] as? String))
    }
}
