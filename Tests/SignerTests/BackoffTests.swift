import Signer
import Testing

/// The node gives a signer 3 s to dial in, and a restarted node should have its signer back within 250 ms.
struct BackoffTests {
    @Test(arguments: [0.0, 0.5, 0.999])
    func delaysGrowButNeverExceedAQuarterSecond(_ random: Double) {
        var backoff = Backoff()
        let delays = (0..<200).map { _ in backoff.next(random: random) }
        #expect(delays.allSatisfy { $0 <= 0.25 }, "\(delays.max()!)")
        #expect(delays[0] < 0.125, "the first retry comes at once: \(delays[0])")
        #expect(delays[10] > 0.19, "later retries back off towards the cap: \(delays[10])")
    }

    @Test func aLargerCapIsClampedToTheNodesWindow() {
        var backoff = Backoff(first: 3, cap: 10)
        #expect((0..<5).map { _ in backoff.next(random: 0.999) }.allSatisfy { $0 <= Backoff.maximum })
    }

    @Test func resetStartsOver() {
        var backoff = Backoff()
        for _ in 0..<10 { _ = backoff.next(random: 0.5) }
        backoff.reset()
        #expect(backoff.next(random: 0.5) == 0.1)
    }
}
