import Foundation
import Logging
import Privval
import SigilCrypto
import SignerState

/// Answers one privval request. Every refusal goes back to the node as a `RemoteSignerError` reply: the
/// connection stays up, because the node does not retry on an error reply but does churn on a dropped socket.
struct RequestHandler: Sendable {
    let chainID: String
    let key: Ed25519.PrivateKey
    let state: ChainState
    /// Sign vote extensions on non-nil precommits (`sign_extensions = true` or protocol v0.38).
    let signExtensions: Bool
    let maxHeight: Int64?
    let logger: Logger
    let logPrefix: String

    func handle(_ request: PrivvalMessage) -> PrivvalMessage { respond(request).reply }

    /// The reply and what happened, for the recorder (which runs only after the reply is written).
    func respond(_ request: PrivvalMessage) -> (reply: PrivvalMessage, event: SignEvent) {
        switch request {
        case .pingRequest:
            return (.pingResponse, .other)
        case .pubKeyRequest(let chain):
            if let refusal = checkChain(chain) { return (.pubKeyResponse(nil, error: refusal), .refused(.chainID)) }
            return (.pubKeyResponse(.ed25519(key.publicKey.rawRepresentation), error: nil), .other)
        case .signVoteRequest(let vote, let chain):
            do {
                let (signed, event) = try sign(vote, chain: chain)
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
        case .unknown(let field):
            // No typed reply exists for a request we do not know; an error-carrying reply makes the node fail
            // that call at once instead of waiting for a timeout.
            let text = "unsupported privval request (Message field \(field)); Sigil speaks tendermint.privval v0.34-v0.38"
            logger.error("\(logPrefix) \(text)")
            return (.pubKeyResponse(nil, error: RemoteSignerError(code: 0, description: text)), .refused(.invalid))
        default:
            let text = "unexpected message from the node (Message field \(request.field)); only requests are accepted"
            logger.error("\(logPrefix) \(text)")
            return (.pubKeyResponse(nil, error: RemoteSignerError(code: 0, description: text)), .refused(.invalid))
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

    func sign(_ vote: Vote, chain: String) throws -> (Vote, SignEvent) {
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
        if signExtensions && wantsExtension {
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

    /// Runs the state check + persist + sign, and logs TMKMS's line (with TMKMS's step numbers 0/1/2).
    private func timed(_ type: SignedMsgType, _ block: BlockID, _ height: Int64, _ round: Int32, _ step: SignStep,
                       _ body: () throws -> SignOutcome) throws -> SignOutcome {
        let start = DispatchTime.now()
        do {
            let outcome = try body()
            let ms = Self.millis(since: start)
            let reused = outcome.reused ? " (stored signature reused)" : ""
            logger.info("\(logPrefix) signed \(type.name):\(block.logString) at h/r/s \(height)/\(round)/\(step.rawValue - 1) (\(ms) ms)\(reused)")
            return outcome
        } catch let refusal as Refusal {
            if refusal.code == .conflictingData {
                logger.error("\(logPrefix) attempted double sign \(type.name) at h/r/s: \(height)/\(round)/\(step.rawValue - 1): \(refusal)")
            } else {
                logger.error("\(logPrefix) refused \(type.name) at h/r/s \(height)/\(round)/\(step.rawValue - 1): \(refusal)")
            }
            throw refusal
        } catch {
            logger.error("\(logPrefix) signing refused at h/r/s \(height)/\(round)/\(step.rawValue - 1): \(error)")
            throw Declined(reason: error is StateError ? .disk : .backend,
                           reply: RemoteSignerError(code: 0, description: "signing refused: \(error)"))
        }
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
