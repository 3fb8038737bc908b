import Netlink
import Testing

@testable import WireGuard

/// Corrupted WireGuard GET dumps must be parse errors, never a trap.
@Suite struct KernelMutationTests {
    @Test func mutatedDumpsNeverTrap() {
        let dump = Array(KernelReplies.twoPartDump().dropLast())
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % 1_000_003)
        }
        var failures = 0
        for round in 0..<4000 {
            var messages = dump
            let which = round % messages.count
            var m = messages[which]
            if round % 3 == 0 {
                m = Array(m.prefix(next() % m.count))
            } else {
                for _ in 0..<(1 + round % 4) { m[next() % m.count] = UInt8(truncatingIfNeeded: next()) }
            }
            messages[which] = m
            do {
                _ = try WireGuardDeviceParser.parse(bytes: messages)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
    }
}
