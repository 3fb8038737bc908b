import Foundation
import Logging
import Privval
import SigilCrypto
import SignerConfig
import SignerState

/// Answers one privval request. Every refusal goes back to the node as a `RemoteSignerError` reply: the
/// connection stays up, because the node does not retry on an error reply but does churn on a dropped socket.
struct RequestHandler: Sendable {
    let chainID: String
    let key: Ed25519.PrivateKey
    let state: ChainState
    /// Message forms, vote-extension and SignBytes policy for this validator.
    let settings: PrivvalSettings
    let maxHeight: Int64?
    let logger: Logger
    let logPrefix: String

    /// How requests from this node are decoded: v1 decoding is a superset that legacy nodes never notice.
    var dialect: PrivvalMessage.Dialect { settings.forms == .legacy ? .legacy : .v1 }

    func handle(_ request: PrivvalMessage) -> PrivvalMessage { respond(request).reply }

    /// The reply and what happened, for the recorder (which runs only after the reply is written).
    func respond(_ request: PrivvalMessage) -> (reply: PrivvalMessage, event: SignEvent) {
        switch request {
        case .pingRequest:
            return (.pingResponse, .other)
        case .pubKeyRequest(let chain):
            if let refusal = checkChain(chain) { return (pubKeyResponse(nil, error: refusal), .refused(.chainID)) }
            return (pubKeyResponse(.ed25519(key.publicKey.rawRepresentation), error: nil), .other)
        case .signVoteRequest(let vote, let chain), .signVoteRequestSkippingExtension(let vote, let chain):
            let skip = if case .signVoteRequestSkippingExtension = request { true } else { false }
            do {
                let (signed, event) = try sign(vote, chain: chain, skipExtension: skip)
                return (.signedVoteResponse(signed, error: nil), event)
            } catch {
                return (.signedVoteResponse(Vote(), error: remoteError(error)), .refused(Self.reason(error)))
            }
        case .signProposalRequest(let proposal, let chain):
            do {
                let (signed, event) = try sign(proposal, chain: chain)
                return (.signedProposalResponse(signed, error: nil), event)
            } catch {
                return (.signedProposalResponse(Proposal(), error: remoteError(error)), .refused(Self.reason(error)))
            }
        case .signBytesRequest(let value):
            do { return (.signBytesResponse(signature: try signBytes(value), error: nil), .other) } catch {
                return (.signBytesResponse(signature: [], error: remoteError(error)), .refused(.invalid))
            }
        case .unknown(let field):
            // No typed reply exists for a request we do not know; an error-carrying reply makes the node fail
            // that call at once instead of waiting for a timeout.
            // Only a legacy dialect leaves v1's field 9 unknown.
            let text = field == 9
                ? "unsupported privval request (Message field 9, CometBFT v1 SignBytesRequest): this [[validator]] "
                    + "has protocol_version = \"\(settings.protocolVersion.rawValue)\"; set protocol_version = \"v1\" for a v1 node"
                : "unsupported privval request (Message field \(field)); Sigil speaks tendermint.privval v0.34-v0.38 "
                    + "and cometbft.privval.v1"
            logger.error("\(logPrefix) \(text)")
            return (pubKeyResponse(nil, error: RemoteSignerError(code: 0, description: text)), .refused(.invalid))
        default:
            let text = "unexpected message from the node (Message field \(request.field)); only requests are accepted"
            logger.error("\(logPrefix) \(text)")
            return (pubKeyResponse(nil, error: RemoteSignerError(code: 0, description: text)), .refused(.invalid))
        }
    }

    /// A refusal that is not a double-sign rule's, with its metrics reason.
    struct Declined: Error {
        let reason: RefusalReason
        let reply: RemoteSignerError
    }

    static func reason(_ error: Error) -> RefusalReason {
        if let d = error as? Declined { return d.reason }
        if let r = error as? Refusal { return RefusalReason(r) }
        return .backend
    }

    /// The key in the form this node decodes; without protocol_version in both forms at once.
    private func pubKeyResponse(_ key: PublicKey?, error: RemoteSignerError?) -> PrivvalMessage {
        switch settings.forms {
        case .legacy: .pubKeyResponse(key, error: error)
        case .v1: .pubKeyResponseV1(key, error: error, alsoLegacy: false)
        case .both: .pubKeyResponseV1(key, error: error, alsoLegacy: true)
        }
    }

    private func checkChain(_ chain: String) -> RemoteSignerError? {
        guard chain != chainID else { return nil }
        let text = "chain id mismatch: the node asked for `\(chain)` but this signer is configured for `\(chainID)` "
            + "(fix [[validator]].chain_id or the node's genesis)"
        logger.error("\(logPrefix) \(text)")
        return RemoteSignerError(code: 0, description: text)
    }

    private func remoteError(_ error: Error) -> RemoteSignerError {
        if let d = error as? Declined { return d.reply }
        if let e = error as? RemoteSignerError { return e }
        if let refusal = error as? Refusal {
            // tmkms answers double-sign refusals with code 2; keep that for scrapers.
            return RemoteSignerError(code: refusal.code == .conflictingData ? 2 : 0, description: refusal.description)
        }
        return RemoteSignerError(code: 0, description: "\(error)")
    }

    private func admit(height: Int64, chain: String) throws {
        if let refusal = checkChain(chain) { throw Declined(reason: .chainID, reply: refusal) }
        if let maxHeight, height > maxHeight {
            let text = "refusing to sign at height \(height): above max_height \(maxHeight) in the config"
            logger.error("\(logPrefix) \(text)")
            throw Declined(reason: .maxHeight, reply: RemoteSignerError(code: 0, description: text))
        }
    }

    /// `skipExtension`: the v1 node set `skip_extension_signing` (its vote extensions are off for this vote).
    func sign(_ vote: Vote, chain: String, skipExtension: Bool = false) throws -> (Vote, SignEvent) {
        try admit(height: vote.height, chain: chain)
        guard let step = SignStep(signedMsgType: vote.type.rawValue), step != .propose else {
            throw Declined(reason: .invalid, reply: RemoteSignerError(
                code: 0, description: "refusing to sign a vote of type \(vote.type.name)"))
        }
        let wantsExtension = vote.type == .precommit && !vote.blockID.isNil
        if !wantsExtension && !vote.extension.isEmpty {
            throw Declined(reason: .invalid, reply: RemoteSignerError(
                code: 0, description: "unexpected vote extension on \(vote.type.name) at height \(vote.height)"))
        }
        var signed = vote
        let outcome = try timed(vote.type, vote.blockID, vote.height, vote.round, step) {
            try state.sign(request: SignRequestInfo(
                height: vote.height, round: vote.round, step: step, signBytes: SignBytes.vote(vote, chainID: chain),
                timestampOnlyDifference: Self.voteTimestampDifference), signer: key.signature(for:))
        }
        signed.signature = outcome.signature
        if let ts = outcome.timestamp { signed.timestamp = Timestamp(seconds: ts.seconds, nanos: ts.nanos) }
        if settings.signExtensions && wantsExtension && !skipExtension {
            // Extensions are not part of the double-sign state: CometBFT's FilePV always signs them afresh.
            let start = DispatchTime.now()
            signed.extensionSignature = key.signature(for: SignBytes.voteExtension(signed, chainID: chain))
            logger.info("\(logPrefix) signed vote extension (\(Self.millis(since: start)) ms)")
        } else {
            signed.extensionSignature = []
        }
        return (signed, Self.event(outcome, step, vote.height, vote.round))
    }

    func sign(_ proposal: Proposal, chain: String) throws -> (Proposal, SignEvent) {
        try admit(height: proposal.height, chain: chain)
        guard proposal.type == .proposal else {
            throw Declined(reason: .invalid, reply: RemoteSignerError(
                code: 0, description: "refusing to sign a proposal of type \(proposal.type.name)"))
        }
        var signed = proposal
        let outcome = try timed(.proposal, proposal.blockID, proposal.height, proposal.round, .propose) {
            try state.sign(request: SignRequestInfo(
                height: proposal.height, round: proposal.round, step: .propose,
                signBytes: SignBytes.proposal(proposal, chainID: chain),
                timestampOnlyDifference: Self.proposalTimestampDifference), signer: key.signature(for:))
        }
        signed.signature = outcome.signature
        if let ts = outcome.timestamp { signed.timestamp = Timestamp(seconds: ts.seconds, nanos: ts.nanos) }
        return (signed, Self.event(outcome, .propose, proposal.height, proposal.round))
    }

    static func event(_ outcome: SignOutcome, _ step: SignStep, _ height: Int64, _ round: Int32) -> SignEvent {
        .signed(step: step, height: height, round: round, stateWriteSeconds: outcome.stateWriteSeconds)
    }

    /// Runs the state check + persist + sign, and logs TMKMS's line. Steps are numbered as everywhere in Sigil
    /// (state files, refusals, `sigil state`): CometBFT's 1 proposal, 2 prevote, 3 precommit; TMKMS's own log
    /// numbers them one lower.
    private func timed(_ type: SignedMsgType, _ block: BlockID, _ height: Int64, _ round: Int32, _ step: SignStep,
                       _ body: () throws -> SignOutcome) throws -> SignOutcome {
        let start = DispatchTime.now()
        do {
            let outcome = try body()
            let ms = Self.millis(since: start)
            let reused = outcome.reused ? " (stored signature reused)" : ""
            logger.info("\(logPrefix) signed \(type.name):\(block.logString) at h/r/s \(height)/\(round)/\(step.rawValue) (\(ms) ms)\(reused)")
            return outcome
        } catch let refusal as Refusal {
            if refusal.code == .conflictingData {
                logger.error("\(logPrefix) attempted double sign \(type.name) at h/r/s: \(height)/\(round)/\(step.rawValue): \(refusal)")
            } else {
                logger.error("\(logPrefix) refused \(type.name) at h/r/s \(height)/\(round)/\(step.rawValue): \(refusal)")
            }
            throw refusal
        } catch {
            logger.error("\(logPrefix) signing refused at h/r/s \(height)/\(round)/\(step.rawValue): \(error)")
            throw Declined(reason: error is StateError ? .disk : .backend,
                           reply: RemoteSignerError(code: 0, description: "signing refused: \(error)"))
        }
    }

    /// v1 `SignBytesRequest`: arbitrary bytes signed with the consensus key, only where the chain allows it and
    /// never for bytes that are a vote, proposal or vote extension (those go through the double-sign rules).
    func signBytes(_ value: [UInt8]) throws -> [UInt8] {
        let digest = Hex.encode(Array(SHA256.hash(value).prefix(5)), uppercase: true)
        let what = "SignBytes request (\(value.count) bytes, SHA-256 \(digest)...)"
        guard settings.signBytes else {
            let text = "refused \(what): chain \(chainID) does not allow signing arbitrary bytes with its consensus key; "
                + "set sign_bytes = true on its [[chain]] if the application needs it"
            logger.error("\(logPrefix) \(text)")
            throw RemoteSignerError(code: 0, description: text)
        }
        if let message = SignBytes.consensusMessage(in: value) {
            let text = "refused \(what): the bytes are \(message); votes and proposals are signed only through "
                + "SignVote/SignProposal, under the double-sign rules"
            logger.error("\(logPrefix) \(text)")
            throw RemoteSignerError(code: 0, description: text)
        }
        let start = DispatchTime.now()
        let signature = key.signature(for: value)
        logger.info("\(logPrefix) signed \(what) (\(Self.millis(since: start)) ms)")
        return signature
    }

    static func millis(since start: DispatchTime) -> UInt64 {
        (DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
    }

    static let voteTimestampDifference: @Sendable ([UInt8], [UInt8]) -> SignTimestamp? = { stored, request in
        guard SignBytes.votesDifferOnlyInTimestamp(stored, request),
              let ts = try? CanonicalVote(signBytes: stored).timestamp else { return nil }
        return SignTimestamp(seconds: ts.seconds, nanos: ts.nanos)
    }

    static let proposalTimestampDifference: @Sendable ([UInt8], [UInt8]) -> SignTimestamp? = { stored, request in
        guard SignBytes.proposalsDifferOnlyInTimestamp(stored, request),
              let ts = try? CanonicalProposal(signBytes: stored).timestamp else { return nil }
        return SignTimestamp(seconds: ts.seconds, nanos: ts.nanos)
    }
}
