import Foundation
import Privval
import TestSupport

/// Builds codec values from the JSON transcriptions in ../shared/vectors (proto field names,
/// byte fields as {"hex": ...}, enums as {"value": n}, keys starting with "_" are annotations).
enum Model {
    typealias Object = [String: Any]

    static func object(_ any: Any?) -> Object { any as? Object ?? [:] }

    static func bytes(_ any: Any?) -> [UInt8] {
        guard let hex = object(any)["hex"] as? String else { return [] }
        return [UInt8](hex: hex)
    }

    static func int(_ any: Any?) -> Int64 { (any as? NSNumber)?.int64Value ?? 0 }

    static func type(_ any: Any?) -> SignedMsgType {
        SignedMsgType(rawValue: Int32(int(object(any)["value"])))
    }

    static func timestamp(_ any: Any?) -> Timestamp {
        guard let t = any as? Object else { return .goZero }
        return Timestamp(seconds: int(t["seconds"]), nanos: Int32(int(t["nanos"])))
    }

    static func blockID(_ any: Any?) -> BlockID {
        let b = object(any)
        let psh = object(b["part_set_header"])
        return BlockID(hash: bytes(b["hash"]),
                       partSetHeader: PartSetHeader(total: UInt32(int(psh["total"])), hash: bytes(psh["hash"])))
    }

    static func vote(_ any: Any?) -> Vote {
        let v = object(any)
        return Vote(type: type(v["type"]), height: int(v["height"]), round: Int32(int(v["round"])),
                    blockID: blockID(v["block_id"]), timestamp: timestamp(v["timestamp"]),
                    validatorAddress: bytes(v["validator_address"]), validatorIndex: Int32(int(v["validator_index"])),
                    signature: bytes(v["signature"]), extension: bytes(v["extension"]),
                    extensionSignature: bytes(v["extension_signature"]))
    }

    static func proposal(_ any: Any?) -> Proposal {
        let p = object(any)
        return Proposal(type: type(p["type"]), height: int(p["height"]), round: Int32(int(p["round"])),
                        polRound: Int32(int(p["pol_round"])), blockID: blockID(p["block_id"]),
                        timestamp: timestamp(p["timestamp"]), signature: bytes(p["signature"]))
    }

    static func error(_ any: Any?) -> RemoteSignerError? {
        guard let e = any as? Object else { return nil }
        return RemoteSignerError(code: Int32(int(e["code"])), description: e["description"] as? String ?? "")
    }

    static func publicKey(_ any: Any?) -> PublicKey? {
        let k = object(any)
        if k["ed25519"] != nil { return .ed25519(bytes(k["ed25519"])) }
        if k["secp256k1"] != nil { return .secp256k1(bytes(k["secp256k1"])) }
        return nil
    }

    /// A `tendermint.privval.Message` given as {"<oneof arm>": {...}}.
    static func message(_ any: Any?) -> PrivvalMessage? {
        let m = object(any)
        guard let (arm, body) = m.first(where: { !$0.key.hasPrefix("_") }) else { return nil }
        let b = object(body)
        let chainID = b["chain_id"] as? String ?? ""
        switch arm {
        case "ping_request": return .pingRequest
        case "ping_response": return .pingResponse
        case "pub_key_request": return .pubKeyRequest(chainID: chainID)
        case "pub_key_response": return .pubKeyResponse(publicKey(b["pub_key"]), error: error(b["error"]))
        case "sign_vote_request": return .signVoteRequest(vote(b["vote"]), chainID: chainID)
        case "signed_vote_response": return .signedVoteResponse(vote(b["vote"]), error: error(b["error"]))
        case "sign_proposal_request": return .signProposalRequest(proposal(b["proposal"]), chainID: chainID)
        case "signed_proposal_response":
            return .signedProposalResponse(proposal(b["proposal"]), error: error(b["error"]))
        default: return nil
        }
    }

    static func cases(_ path: String) throws -> [Object] {
        object(try Vectors.json(path))["cases"] as? [Object] ?? []
    }
}

/// Wraps / unwraps one length-delimited field, for vectors that are nested in or stripped of a wrapper.
enum Wrap {
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        [UInt8(number << 3 | 2)] + Delimited.frame(payload)
    }

    /// Returns the payload when `bytes` is exactly one length-delimited field `number`.
    static func unwrap(_ number: Int, _ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.first == UInt8(number << 3 | 2) else { return nil }
        var d = DelimitedDecoder()
        d.append(Array(bytes.dropFirst()))
        guard let payload = try? d.next(), d.bufferedByteCount == 0 else { return nil }
        return payload
    }
}

/// The code of the PrivvalError thrown by `body`, or nil when it returns or throws something else.
func errorCode(_ body: () throws -> Any?) -> PrivvalError.Code? {
    do {
        _ = try body()
        return nil
    } catch let error as PrivvalError {
        return error.code
    } catch {
        return nil
    }
}
