import Testing
@testable import Etcd
import SignerState

/// Sign bytes as text `h|r|step|block|time`; a timestamp-only difference is one in the last field.
func request(_ h: Int64, _ r: Int32, _ step: SignStep, _ block: String, time: Int64 = 100) -> SignRequestInfo {
    SignRequestInfo(
        height: h, round: r, step: step, signBytes: Array("\(h)|\(r)|\(step.rawValue)|\(block)|\(time)".utf8),
        timestampOnlyDifference: { stored, request in
            let a = String(decoding: stored, as: UTF8.self).split(separator: "|")
            let b = String(decoding: request, as: UTF8.self).split(separator: "|")
            guard a.count == 5, b.count == 5, a[0..<4] == b[0..<4], let t = Int64(a[4]) else { return nil }
            return SignTimestamp(seconds: t, nanos: 0)
        })
}

func signed(_ r: SignRequestInfo) -> LastSignState {
    LastSignState(signed: r, signature: Array("sig:".utf8) + r.signBytes)
}

@Suite struct WatermarkRulesTests {
    @Test func missingRecordAndFreshLocalSigns() {
        #expect(WatermarkRules.next(request: request(1, 0, .prevote, "A"), local: .initial, record: nil) == .sign)
    }

    @Test func localAheadOfRecordIsRaisedFirst() {
        let local = signed(request(10, 0, .precommit, "A"))
        #expect(WatermarkRules.next(request: request(11, 0, .prevote, "B"), local: local, record: nil) == .raise(local))
        let behind = signed(request(9, 0, .precommit, "A"))
        #expect(WatermarkRules.next(request: request(11, 0, .prevote, "B"), local: local, record: behind) == .raise(local))
    }

    @Test func recordAheadOfLocalDecides() {
        let record = signed(request(20, 1, .prevote, "A"))
        let local = signed(request(3, 0, .precommit, "A"))
        #expect(WatermarkRules.next(request: request(20, 1, .precommit, "A"), local: local, record: record) == .sign)
        guard case .refuse(let r) = WatermarkRules.next(request: request(19, 0, .precommit, "A"), local: local, record: record)
        else { Issue.record("a height below the record must be refused"); return }
        #expect(r.code == .heightRegression)
    }

    @Test func sameStepReusesOrRefuses() {
        let r = request(5, 0, .prevote, "A")
        let record = signed(r)
        #expect(WatermarkRules.next(request: r, local: .initial, record: record)
            == .reuse(signature: record.signature, timestamp: nil))
        #expect(WatermarkRules.next(request: request(5, 0, .prevote, "A", time: 200), local: .initial, record: record)
            == .reuse(signature: record.signature, timestamp: SignTimestamp(seconds: 100, nanos: 0)))
        guard case .refuse(let refusal) = WatermarkRules.next(
            request: request(5, 0, .prevote, "B"), local: .initial, record: record)
        else { Issue.record("conflicting data must be refused"); return }
        #expect(refusal.code == .conflictingData)
    }

    @Test func equalLocalAndRecordDecideWithoutRaising() {
        let s = signed(request(7, 0, .precommit, "A"))
        #expect(WatermarkRules.next(request: request(8, 0, .prevote, "A"), local: s, record: s) == .sign)
    }
}

@Suite struct EtcdRecordTests {
    let record = EtcdRecord(prefix: "/sigil", chainID: "kira-1")

    @Test func keyFollowsTheContract() {
        #expect(record.key == "/sigil/kira-1/last_sign_state")
        #expect(EtcdRecord(prefix: "/x/", chainID: "c").key == "/x/c/last_sign_state")
    }

    @Test func roundTripsInCometBFTShape() throws {
        let state = signed(request(42, 3, .precommit, "A"))
        let bytes = record.encode(state)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"height\": \"42\"") && text.contains("\"round\": 3") && text.contains("\"step\": 3"))
        #expect(text.contains("\"signbytes\": \"") && text.contains("\"signature\": \""))
        #expect(try record.decode(bytes, modRevision: 9) == EtcdRecord.Stored(state: state, modRevision: 9))
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("{\"height\":\"x\",\"round\":0,\"step\":1}", "height"),
        ("{\"height\":\"5\",\"round\":0}", "step"),
        ("{\"height\":\"5\",\"round\":0,\"step\":9}", "step 9"),
        ("{\"height\":\"5\",\"round\":0,\"step\":1,\"signature\":\"***\"}", "signature is not base64"),
        ("{\"height\":\"5\",\"round\":\"0\",\"step\":1,\"block_id\":null}", "tmkms"),
        ("\u{0}\u{1}\u{2}\u{1b}[2J", "not valid JSON"),
    ])
    func garbageIsOneClearError(_ value: String, _ mention: String) {
        do {
            _ = try record.decode(Array(value.utf8), modRevision: 1)
            Issue.record("garbage \(value.debugDescription) was accepted")
        } catch {
            #expect(error.code == .garbage)
            #expect(error.description.hasPrefix("etcd key /sigil/kira-1/last_sign_state does not hold a sign state"))
            #expect(error.description.contains(mention), "\(error)")
            #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 }, "control characters are escaped")
        }
    }
}
