import Testing
@testable import SignerConfig
@testable import SignerState

/// Stand-in for canonical sign bytes: `step|height|round|block|timestamp` as text. The real encoding lives in
/// Privval; the rules under test only need "equal", "equal except timestamp" and "different", which this
/// stand-in models exactly.
struct FakeSignBytes {
    let step: SignStep
    let height: Int64
    let round: Int32
    let block: String
    let time: Int64

    var bytes: [UInt8] { Array("\(step.rawValue)|\(height)|\(round)|\(block)|\(time)".utf8) }

    static let timestampOnlyDifference: @Sendable ([UInt8], [UInt8]) -> SignTimestamp? = { stored, request in
        let a = String(decoding: stored, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
        let b = String(decoding: request, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
        guard a.count == 5, b.count == 5, a[0..<4] == b[0..<4], let seconds = Int64(a[4]) else { return nil }
        return SignTimestamp(seconds: seconds, nanos: 0)
    }

    var request: SignRequestInfo {
        SignRequestInfo(
            height: height, round: round, step: step, signBytes: bytes,
            timestampOnlyDifference: FakeSignBytes.timestampOnlyDifference)
    }

    /// The state after signing this with a signature that names it, so reuse can be told apart from signing.
    var signed: LastSignState {
        LastSignState(signed: request, signature: Array("sig:\(block)@\(time)".utf8))
    }
}

private func msg(_ step: SignStep, _ h: Int64, _ r: Int32, _ block: String, at time: Int64 = 100) -> FakeSignBytes {
    FakeSignBytes(step: step, height: h, round: r, block: block, time: time)
}

@Suite struct ConsensusStateTests {
    enum Expect: Sendable, CustomStringConvertible {
        case sign
        case reuseIdentical
        case reuseStoredTimestamp(Int64)
        case refuse(Refusal.Code, mentioning: String)

        var description: String {
            switch self {
            case .sign: "sign"
            case .reuseIdentical: "reuse"
            case .reuseStoredTimestamp(let t): "reuse with timestamp \(t)"
            case .refuse(let c, _): "refuse \(c.rawValue)"
            }
        }
    }

    struct Row: Sendable, CustomStringConvertible {
        let name: String
        let last: LastSignState
        let request: FakeSignBytes
        let expect: Expect
        var description: String { "\(name) → \(expect)" }
    }

    /// Every row of signer-anchors.md §2.10 in FilePV semantics, plus the edge cases of the stored state.
    static let rows: [Row] = [
        Row(name: "height regression", last: msg(.prevote, 10, 0, "A").signed, request: msg(.precommit, 9, 5, "A"),
            expect: .refuse(.heightRegression, mentioning: "height regression: request for height 9 but height 10")),
        Row(name: "round regression", last: msg(.prevote, 10, 2, "A").signed, request: msg(.precommit, 10, 1, "A"),
            expect: .refuse(.roundRegression, mentioning: "round regression at height 10: request for round 1")),
        Row(name: "step regression", last: msg(.precommit, 10, 2, "A").signed, request: msg(.prevote, 10, 2, "A"),
            expect: .refuse(.stepRegression, mentioning: "step regression at height 10 round 2: request for prevote")),
        Row(name: "proposal after prevote", last: msg(.prevote, 10, 2, "A").signed, request: msg(.propose, 10, 2, "A"),
            expect: .refuse(.stepRegression, mentioning: "h/r/s 10/2/2")),
        Row(name: "same HRS, identical sign bytes (retry)", last: msg(.prevote, 10, 0, "A").signed,
            request: msg(.prevote, 10, 0, "A"), expect: .reuseIdentical),
        Row(name: "same HRS, only timestamp differs", last: msg(.precommit, 10, 0, "A", at: 100).signed,
            request: msg(.precommit, 10, 0, "A", at: 250), expect: .reuseStoredTimestamp(100)),
        Row(name: "same HRS proposal, only timestamp differs", last: msg(.propose, 10, 0, "A", at: 7).signed,
            request: msg(.propose, 10, 0, "A", at: 8), expect: .reuseStoredTimestamp(7)),
        Row(name: "same HRS, nil then block", last: msg(.prevote, 10, 0, "").signed, request: msg(.prevote, 10, 0, "A"),
            expect: .refuse(.conflictingData, mentioning: "double sign refused at h/r/s 10/0/2")),
        Row(name: "same HRS, block then nil", last: msg(.precommit, 10, 0, "A").signed,
            request: msg(.precommit, 10, 0, ""),
            expect: .refuse(.conflictingData, mentioning: "conflicting data: double sign refused at h/r/s 10/0/3")),
        Row(name: "same HRS, block A then block B", last: msg(.precommit, 10, 1, "A").signed,
            request: msg(.precommit, 10, 1, "B", at: 300),
            expect: .refuse(.conflictingData, mentioning: "h/r/s 10/1/3")),
        Row(name: "same H/R: prevote A then precommit B", last: msg(.prevote, 10, 0, "A").signed,
            request: msg(.precommit, 10, 0, "B"), expect: .sign),
        Row(name: "same H/R: prevote nil then precommit A", last: msg(.prevote, 10, 0, "").signed,
            request: msg(.precommit, 10, 0, "A"), expect: .sign),
        Row(name: "same H/R: proposal A then prevote B", last: msg(.propose, 10, 0, "A").signed,
            request: msg(.prevote, 10, 0, "B"), expect: .sign),
        Row(name: "same HRS: proposal A vs proposal B", last: msg(.propose, 10, 0, "A").signed,
            request: msg(.propose, 10, 0, "B"), expect: .refuse(.conflictingData, mentioning: "h/r/s 10/0/1")),
        Row(name: "higher round, lower step", last: msg(.precommit, 10, 0, "A").signed,
            request: msg(.propose, 10, 1, "B"), expect: .sign),
        Row(name: "higher height, lower round and step", last: msg(.precommit, 10, 3, "A").signed,
            request: msg(.propose, 11, 0, "B"), expect: .sign),
        Row(name: "fresh state, first request", last: .initial, request: msg(.propose, 1, 0, "A"), expect: .sign),
        Row(name: "tmkms import: same HRS cannot be proven identical",
            last: LastSignState(height: 10, round: 0, step: .precommit), request: msg(.precommit, 10, 0, "A"),
            expect: .refuse(
                .noSignBytes, mentioning: "h/r/s 10/0/3: the state (imported from tmkms) has no sign bytes")),
        Row(name: "tmkms import: higher step signs", last: LastSignState(height: 10, round: 0, step: .prevote),
            request: msg(.precommit, 10, 0, "A"), expect: .sign),
        Row(name: "tmkms import: lower step refused", last: LastSignState(height: 10, round: 0, step: .prevote),
            request: msg(.propose, 10, 0, "A"), expect: .refuse(.stepRegression, mentioning: "step regression")),
        Row(name: "damaged state: sign bytes without signature",
            last: LastSignState(height: 10, round: 0, step: .prevote, signBytes: msg(.prevote, 10, 0, "A").bytes),
            request: msg(.prevote, 10, 0, "A"), expect: .refuse(.noSignature, mentioning: "damaged state file")),
        Row(name: "height zero request", last: .initial, request: msg(.prevote, 0, 0, "A"),
            expect: .refuse(.invalidRequest, mentioning: "height must be at least 1")),
        Row(name: "negative round request", last: .initial, request: msg(.prevote, 5, -1, "A"),
            expect: .refuse(.invalidRequest, mentioning: "invalid sign request at h/r/s 5/-1/2")),
    ]

    @Test(arguments: rows)
    func doubleSignMatrix(_ row: Row) {
        let decision = ConsensusState.decide(last: row.last, request: row.request.request)
        switch (row.expect, decision) {
        case (.sign, .sign):
            break
        case (.reuseIdentical, .reuse(let signature, let timestamp)):
            #expect(signature == row.last.signature)
            #expect(timestamp == nil)
        case (.reuseStoredTimestamp(let want), .reuse(let signature, let timestamp)):
            #expect(signature == row.last.signature)
            #expect(timestamp == SignTimestamp(seconds: want, nanos: 0))
        case (.refuse(let code, let mentioning), .refuse(let refusal)):
            #expect(refusal.code == code)
            #expect(refusal.description.contains(mentioning), "\(refusal)")
        default:
            Issue.record("\(row.name): expected \(row.expect), got \(decision)")
        }
    }

    @Test func timestampComparisonOnlyRunsAtTheSameHRSWithDifferentBytes() {
        let last = msg(.prevote, 10, 0, "A").signed
        let calls = Counter()
        func request(_ m: FakeSignBytes) -> SignRequestInfo {
            var r = m.request
            r.timestampOnlyDifference = { stored, req in
                calls.bump()
                return FakeSignBytes.timestampOnlyDifference(stored, req)
            }
            return r
        }
        _ = ConsensusState.decide(last: last, request: request(msg(.precommit, 10, 0, "A")))
        _ = ConsensusState.decide(last: last, request: request(msg(.prevote, 10, 0, "A")))
        #expect(calls.value == 0)
        _ = ConsensusState.decide(last: last, request: request(msg(.prevote, 10, 0, "A", at: 5)))
        #expect(calls.value == 1)
    }

    @Test func signedStateRecordsRequestAndSignature() {
        let m = msg(.precommit, 42, 3, "B")
        let state = LastSignState(signed: m.request, signature: [1, 2, 3])
        let want = LastSignState(height: 42, round: 3, step: .precommit, signature: [1, 2, 3], signBytes: m.bytes)
        #expect(state == want)
    }

    @Test(arguments: [(Int32(1), SignStep.prevote), (2, .precommit), (32, .propose)])
    func stepFromSignedMsgType(type: Int32, step: SignStep) {
        #expect(SignStep(signedMsgType: type) == step)
    }

    @Test(arguments: [Int32(0), 3, 31, 33, -1])
    func unknownSignedMsgTypeHasNoStep(type: Int32) {
        #expect(SignStep(signedMsgType: type) == nil)
    }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    func bump() { n += 1 }
    var value: Int { n }
}
