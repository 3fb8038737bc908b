/// Why a sign request was refused. `description` is what the node sees as `RemoteSignerError.description`.
/// Equality compares `code` only.
public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case heightRegression, roundRegression, stepRegression
        /// Same height/round/step with different data: signing would be a double sign.
        case conflictingData
        /// Same height/round/step, but the stored state has no sign bytes to compare with (tmkms import).
        case noSignBytes
        /// Same height/round/step, sign bytes stored but no signature: a damaged state file.
        case noSignature
        /// Height below 1, negative round, or a step that is not propose/prevote/precommit.
        case invalidRequest
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: Refusal, b: Refusal) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func heightRegression(last: LastSignState, request: SignRequestInfo) -> Refusal {
        Refusal(
            code: .heightRegression,
            reason: "height regression: request for height \(request.height) but height \(last.height) "
                + "was already signed (h/r/s \(last.hrs))")
    }
    @inline(never)
    static func roundRegression(last: LastSignState, request: SignRequestInfo) -> Refusal {
        Refusal(
            code: .roundRegression,
            reason: "round regression at height \(request.height): request for round \(request.round) but round "
                + "\(last.round) was already signed (h/r/s \(last.hrs))")
    }
    @inline(never)
    static func stepRegression(last: LastSignState, request: SignRequestInfo) -> Refusal {
        Refusal(
            code: .stepRegression,
            reason: "step regression at height \(request.height) round \(request.round): request for "
                + "\(request.step) but \(last.step) was already signed (h/r/s \(last.hrs))")
    }
    @inline(never)
    static func conflictingData(last: LastSignState, request: SignRequestInfo) -> Refusal {
        Refusal(
            code: .conflictingData,
            reason: "conflicting data: double sign refused at h/r/s \(request.hrs) (\(request.step)); "
                + "different data was already signed there")
    }
    @inline(never)
    static func noSignBytes(last: LastSignState) -> Refusal {
        Refusal(
            code: .noSignBytes,
            reason: "refusing to sign again at h/r/s \(last.hrs): the state (imported from tmkms) has no sign bytes "
                + "to prove the request identical; wait for the next round or height")
    }
    @inline(never)
    static func noSignature(last: LastSignState) -> Refusal {
        Refusal(
            code: .noSignature,
            reason: "refusing to sign at h/r/s \(last.hrs): the state has sign bytes but no signature "
                + "(damaged state file)")
    }
    @inline(never)
    static func invalidRequest(_ request: SignRequestInfo) -> Refusal {
        Refusal(
            code: .invalidRequest,
            reason: "invalid sign request at h/r/s \(request.hrs): height must be at least 1, round at least 0, "
                + "step propose, prevote or precommit")
    }
}
