@testable import Signer
import Testing

struct FailureLogTests {
    @Test func aRunOfTheSameFailureIsLoggedOnceThenEveryInterval() {
        var log = FailureLog(interval: 10)
        let refused = "cannot connect to 10.0.0.1:26659: Connection refused"
        #expect(log.record(refused, afterSession: true, now: 0) == refused)
        // Four dials a second for the next ten seconds: quiet.
        for i in 1..<40 { #expect(log.record(refused, afterSession: false, now: Double(i) * 0.25) == nil) }
        #expect(log.record(refused, afterSession: false, now: 10) == "\(refused) (41 failed dials in a row; still retrying)")
        #expect(log.record(refused, afterSession: false, now: 10.25) == nil)
    }

    @Test func aNewReasonOrANewSessionIsLoggedAtOnce() {
        var log = FailureLog(interval: 10)
        _ = log.record("a", afterSession: false, now: 0)
        #expect(log.record("a", afterSession: false, now: 1) == nil)
        #expect(log.record("b", afterSession: false, now: 2) == "b")
        #expect(log.record("b", afterSession: true, now: 3) == "b", "the node came back and went away again")
    }
}
