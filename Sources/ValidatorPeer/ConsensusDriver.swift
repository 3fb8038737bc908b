import Foundation
import Privval
import SigilCrypto

/// Plays the node's consensus loop against a signer: per height a public-key request, an optional
/// proposal, a prevote and a precommit, each signature verified against the signer's key.
public struct ConsensusDriver: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The signer answered with an error reply instead of a signature (double sign, chain id, ...).
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    public let chainID: String
    /// Vote extensions are on: the node expects an extension signature on non-nil precommits only (a v1 node
    /// then asks for it with `skip_extension_signing` unset on precommits).
    public let expectExtensions: Bool
    public private(set) var publicKey: Ed25519.PublicKey?

    public init(chainID: String, expectExtensions: Bool = false) {
        self.chainID = chainID
        self.expectExtensions = expectExtensions
    }

    /// Asks for the key and reads it as the connection's node would: field 1 (legacy) or fields 3 and 4 (v1).
    public mutating func fetchPublicKey(_ conn: ValidatorConnection) throws -> Ed25519.PublicKey {
        let reply = try conn.request(.pubKeyRequest(chainID: chainID))
        let key: PublicKey?
        switch reply {
        case .pubKeyResponse(let k, let error), .pubKeyResponseV1(let k, let error, _):
            if let error { throw Failure(description: "signer refused PubKeyRequest: \(error.description)") }
            key = k
        default:
            throw Failure(description: "expected PubKeyResponse, got \(reply)")
        }
        guard case .ed25519(let raw)? = key else {
            throw Failure(description: conn.dialect == .v1
                ? "signer returned no ed25519 key in pub_key_bytes/pub_key_type (a v1 node fails: encoding: unsupported key)"
                : "signer returned no ed25519 key")
        }
        let pk = try Ed25519.PublicKey(rawRepresentation: raw)
        publicKey = pk
        return pk
    }

    /// A block id that differs per height and per `variant`, so conflicting requests are easy to build.
    public static func blockID(height: Int64, variant: String = "") -> BlockID {
        let hash = SHA256.hash(Array("block-\(height)\(variant)".utf8))
        let parts = SHA256.hash(Array("parts-\(height)\(variant)".utf8))
        return BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: parts))
    }

    public static func now() -> Timestamp {
        let t = Date().timeIntervalSince1970
        return Timestamp(seconds: Int64(t), nanos: Int32((t - t.rounded(.down)) * 1_000_000_000))
    }

    public static func vote(_ type: SignedMsgType, height: Int64, round: Int32 = 0, blockID: BlockID,
                            timestamp: Timestamp = ConsensusDriver.now(), extension ext: [UInt8] = []) -> Vote {
        var v = Vote()
        v.type = type
        v.height = height
        v.round = round
        v.blockID = blockID
        v.timestamp = timestamp
        v.validatorAddress = Array(repeating: 0xAB, count: 20)
        v.validatorIndex = 0
        v.extension = ext
        return v
    }

    /// Sends a vote and checks the reply: a signature that verifies, and extension rules. A v1 node sets
    /// `skip_extension_signing` unless it wants the extension signed (extensions on, and a precommit), which is
    /// the default here; `skipExtension` overrides it.
    public func signVote(_ conn: ValidatorConnection, _ vote: Vote, skipExtension: Bool? = nil) throws -> Vote {
        let skip = skipExtension ?? (conn.dialect == .v1 && !(expectExtensions && vote.type == .precommit))
        let request: PrivvalMessage = skip
            ? .signVoteRequestSkippingExtension(vote, chainID: chainID) : .signVoteRequest(vote, chainID: chainID)
        let reply = try conn.request(request)
        guard case .signedVoteResponse(let signed, let error) = reply else {
            throw Failure(description: "expected SignedVoteResponse, got \(reply)")
        }
        if let error { throw Refused(description: error.description) }
        try verify(signed, skippedExtension: skip)
        return signed
    }

    public func verify(_ signed: Vote, skippedExtension: Bool = false) throws {
        guard let pk = publicKey else { throw Failure(description: "fetch the public key first") }
        guard pk.isValidSignature(signed.signature, for: SignBytes.vote(signed, chainID: chainID)) else {
            throw Failure(description: "vote signature does not verify at height \(signed.height)")
        }
        let wantsExtension = expectExtensions && !skippedExtension && signed.type == .precommit && !signed.blockID.isNil
        if wantsExtension {
            guard pk.isValidSignature(signed.extensionSignature, for: SignBytes.voteExtension(signed, chainID: chainID)) else {
                throw Failure(description: "missing or invalid extension signature at height \(signed.height)")
            }
        } else if !signed.extensionSignature.isEmpty {
            throw Failure(description: "unexpected extension signature on \(signed.type) at height \(signed.height)")
        }
    }

    /// v1 `SignBytesRequest`: returns the signature once it verifies over `value`, or throws the signer's error.
    public func signBytes(_ conn: ValidatorConnection, _ value: [UInt8]) throws -> [UInt8] {
        let reply = try conn.request(.signBytesRequest(value))
        guard case .signBytesResponse(let signature, let error) = reply else {
            throw Failure(description: "expected SignBytesResponse, got \(reply)")
        }
        if let error { throw Failure(description: error.description) }
        guard let pk = publicKey, pk.isValidSignature(signature, for: value) else {
            throw Failure(description: "SignBytes signature does not verify")
        }
        return signature
    }

    public func ping(_ conn: ValidatorConnection) throws {
        let reply = try conn.request(.pingRequest)
        guard case .pingResponse = reply else { throw Failure(description: "expected PingResponse, got \(reply)") }
    }

    public func signProposal(_ conn: ValidatorConnection, height: Int64, round: Int32 = 0, blockID: BlockID) throws -> Proposal {
        var p = Proposal()
        p.type = .proposal
        p.height = height
        p.round = round
        p.polRound = -1
        p.blockID = blockID
        p.timestamp = ConsensusDriver.now()
        let reply = try conn.request(.signProposalRequest(p, chainID: chainID))
        guard case .signedProposalResponse(let signed, let error) = reply else {
            throw Failure(description: "expected SignedProposalResponse, got \(reply)")
        }
        if let error { throw Refused(description: error.description) }
        guard let pk = publicKey, pk.isValidSignature(signed.signature, for: SignBytes.proposal(signed, chainID: chainID)) else {
            throw Failure(description: "proposal signature does not verify at height \(height)")
        }
        return signed
    }

    /// One committed height: proposal (when `propose`), prevote and precommit for the same block.
    @discardableResult
    public func runHeight(_ conn: ValidatorConnection, height: Int64, propose: Bool = true) throws -> [Vote] {
        let block = ConsensusDriver.blockID(height: height)
        if propose { _ = try signProposal(conn, height: height, blockID: block) }
        let ext: [UInt8] = expectExtensions ? Array("ext-\(height)".utf8) : []
        let prevote = try signVote(conn, ConsensusDriver.vote(.prevote, height: height, blockID: block))
        let precommit = try signVote(conn, ConsensusDriver.vote(.precommit, height: height, blockID: block, extension: ext))
        return [prevote, precommit]
    }
}
