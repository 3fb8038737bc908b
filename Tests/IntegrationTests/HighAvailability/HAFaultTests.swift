import Foundation
import Testing
import TestSupport
import ValidatorPeer

/// One signer of a pair frozen or killed in the middle of requests while the other keeps signing, and etcd set up
/// wrongly or holding garbage. Same oracle as the rest of the suite: the crash campaign's `DoubleSignLedger`.
@Suite(.serialized)
struct HAFaultTests {
    /// Signer a is frozen (SIGSTOP) right after its peer sent a request, at a random point of it; while it is
    /// frozen, b's peer asks for a different block at that step and signs the next steps; then SIGCONT. Whatever a
    /// decided before it froze, it must not release a signature that conflicts with b's.
    @Test func frozenSignerReleasesNothingConflicting() throws {
        let bed = try HighAvailabilityTests.Bed("frozenSignerReleasesNothingConflicting", peers: 1)
        defer { bed.stop() }
        let (seed, a, b) = (bed.seed, bed.a, bed.b)
        // The frozen signer's node waits longer than usual: the freeze is this test's doing, not the signer's.
        let pa = try a.start(ioTimeout: 60)[0]
        let pb = try b.start()[0]
        var walk = HAWalk(seed: seed)
        walk.walk([pa, pb], steps: 6) { _, _ in ["a", "b"] }
        var median: Double { let l = pa.latencies.suffix(16).sorted(); return l.isEmpty ? 0.01 : l[l.count / 2] }

        var refusedAfterThaw = 0, signedAfterThaw = 0
        for trial in 0..<8 {
            let hrs = walk.next
            let frozen = Locked<HAPeer.Outcome?>(nil)
            let thread = Thread { frozen.mutate { $0 = pa.ask(hrs, block: "a", origin: "frozen \(trial)") } }
            thread.start()
            // Freeze 0 µs to one usual round trip after the request leaves: before a reads it, while it talks to
            // etcd, or after its transaction.
            let delay = trial == 0 ? 0 : UInt32.random(in: 0...UInt32(median * 1_000_000), using: &walk.rng)
            usleep(delay)
            a.signal(SIGSTOP)
            // b: the same step for another block, then three more steps, all while a is frozen.
            walk.take([pb.ask(hrs, block: "b", origin: "trial \(trial)")])  // refused if a won it before freezing
            walk.next = hrs.next
            walk.walk([pb], steps: 3) { _, _ in ["b"] }
            a.signal(SIGCONT)
            #expect(eventually(timeout: 30) { frozen.value != nil }, "a never answered after SIGCONT")
            let outcome = frozen.value ?? .dropped("no answer")
            walk.take([outcome])
            if outcome.record != nil { signedAfterThaw += 1 }
            if outcome.isRefused { refusedAfterThaw += 1 }
            // a serves again once thawed: both sign on.
            walk.walk([pa, pb], steps: 2) { _, _ in ["a", "b"] }
        }
        print("ha: sigstop: thawed a signed \(signedAfterThaw), refused \(refusedAfterThaw); \(walk.summary)")
        // b signed on while a was frozen; a's late answers come in after b's later steps, so the order of the
        // ledger is not the order of signing: only two signatures for one step over different blocks count here.
        let conflicts = walk.ledger.conflicts.filter { $0.kind == .conflictingData }
        for c in conflicts.prefix(5) { Issue.record("conflicting signatures released: \(c) (seed \(seed))") }
        #expect(walk.dropped.isEmpty, "\(walk.dropped.prefix(3))")
        #expect(walk.unsigned.isEmpty, "b must sign while a is frozen: \(walk.unsigned)")
        #expect(refusedAfterThaw > 0, "no freeze landed before a decided, so the race was not exercised")
        #expect(pb.slowest < HAPeer.nodeTimeout, "b's slowest reply \(pb.slowest) s while a was frozen")
    }

    /// Signer a is SIGKILLed at random moments, many times, while b keeps signing. After each restart a's node asks
    /// again, sometimes for the step in flight at the kill, sometimes for a different block there. Every signature
    /// either peer received goes into one ledger; no conflict of any kind.
    ///
    /// `SIGIL_HA_KILLS` sets the number of kills (default 30, what CI runs).
    @Test func sigkillStormWhileTheOtherSigns() throws {
        let env = ProcessInfo.processInfo.environment
        let kills = Int(env["SIGIL_HA_KILLS"] ?? "") ?? 30
        let bed = try HighAvailabilityTests.Bed("sigkillStormWhileTheOtherSigns, \(kills) kills,", peers: 1)
        defer { bed.stop() }
        let (seed, a, b) = (bed.seed, bed.a, bed.b)
        let pb = try b.start()[0]
        var walk = HAWalk(seed: seed)
        var bWhileDown = 0, reasks = 0, reasksRefused = 0, killedInFlight = 0
        var lastKilled: HRS?
        var aTimes: [Double] = []  // a's recent round trips, for the kill window
        let started = Date()

        for k in 0..<kills {
            let pa = try a.start()[0]
            // The node asks again: the step in flight at the kill (same block), or a different block there.
            if let hrs = lastKilled {
                let fork = Bool.random(using: &walk.rng)
                let outcome = pa.ask(hrs, block: fork ? "fork-\(k)" : "a", origin: "kill \(k) re-ask")
                walk.take([outcome])
                reasks += 1
                if outcome.isRefused { reasksRefused += 1 }
                // Signed at the step the walk is on (nobody had it yet): the walk goes on after it.
                if outcome.record != nil, walk.next <= hrs { walk.next = hrs.next }
            }
            // A few steps together, a killed during one of them, 0 to 2 of its round trips after its request left;
            // b asks in the second half of that window, so that a's transaction is sometimes first and sometimes not.
            let rounds = Int.random(in: 1...4, using: &walk.rng)
            let killRound = Int.random(in: 0..<rounds, using: &walk.rng)
            let window = max(2 * (aTimes.isEmpty ? 0.01 : aTimes.sorted()[aTimes.count / 2]), 0.002)
            for r in 0..<rounds {
                let hrs = walk.next
                if r == killRound {
                    let delay = UInt32(Double.random(in: 0..<window, using: &walk.rng) * 1_000_000)
                    // b's record is always fresh (it wins more often than not), a has just restarted: a head start.
                    let bDelay = UInt32(Double.random(in: window / 2..<window, using: &walk.rng) * 1_000_000)
                    let victim = a.child
                    Thread { usleep(delay); victim?.kill(SIGKILL) }.start()
                    let outcomes = askTogether([pa, pb], hrs, blocks: ["a", "b"], rng: &walk.rng, delays: [0, bDelay])
                    a.kill()
                    if case .dropped = outcomes[0] { killedInFlight += 1 } else { walk.take([outcomes[0]]) }
                    walk.take([outcomes[1]])
                    lastKilled = hrs
                    if outcomes.contains(where: { $0.record != nil }) { walk.next = hrs.next }
                    break
                }
                walk.step([pa, pb], hrs, blocks: ["a", "b"], origin: "kill \(k)")
                walk.next = hrs.next
            }
            // a is down: b signs on alone (unless a's unanswered request won the step in flight).
            for _ in 0..<2 {
                let outcome = pb.ask(walk.next, block: "b")
                walk.take([outcome])
                guard outcome.record != nil else { break }
                bWhileDown += 1
                walk.next = walk.next.next
            }
            aTimes = Array((aTimes + pa.latencies).suffix(32))
            pa.close()
            if !walk.ledger.conflicts.isEmpty || !walk.dropped.isEmpty { break }
        }
        print("ha: sigkill storm: \(kills) kills in \(Int(Date().timeIntervalSince(started))) s, in flight "
            + "\(killedInFlight), re-asks \(reasks) (refused \(reasksRefused)), b alone \(bWhileDown); \(walk.summary)")
        HighAvailabilityTests.expectSafe(walk, [pb], [a, b], seed: seed)
        #expect(walk.unsigned.isEmpty, "steps nobody got a signature for: \(walk.unsigned.prefix(10))")
        #expect(bWhileDown > 0, "b never signed while a was down: \(walk.summary)")
        #expect((walk.releasedBy["a"] ?? 0) > 0, "a never won a step: \(walk.summary)")
        if kills >= 10 {
            #expect(killedInFlight > 0, "no kill landed while a's request was in flight")
            #expect(reasksRefused > 0, "re-asks for a different block must be refused")
        }
    }

    /// etcd set up wrongly: a CA that did not sign the members' certificates, a client certificate etcd does not
    /// trust, a record holding garbage. Each: the signer stays up, every request is refused by a reply, the log
    /// names etcd and the cause, nothing is signed, and the garbage is left as it was.
    @Test func wrongCAWrongCertAndGarbageRecord() throws {
        let cluster = try EtcdCluster()
        defer { cluster.stop() }
        let rogue = try cluster.untrusted()
        let cases: [(name: String, backend: String, garbage: String?, cause: [String])] = [
            ("wrong CA", cluster.stateBackend(ca: rogue.ca), nil, ["etcd unreachable", "CERTIFICATE_VERIFY_FAILED"]),
            ("wrong client cert", cluster.stateBackend(cert: rogue.cert, key: rogue.key), nil,
             ["etcd unreachable", "BAD_CERTIFICATE"]),
            ("garbage record", cluster.stateBackend(), "{\"height\":\"nine\"",
             ["etcd key \(HighAvailabilityTests.recordKey) does not hold a sign state"]),
        ]
        for c in cases {
            if let garbage = c.garbage { try cluster.put(HighAvailabilityTests.recordKey, garbage) }
            let signer = try HASigner("bad", peers: 1, backend: c.backend, sharedKey: nil)
            defer { signer.remove() }
            let peer = try signer.start()[0]
            var walk = HAWalk(seed: 1)
            for _ in 0..<3 {
                let outcome = peer.ask(walk.next, block: "a")
                walk.take([outcome])
                #expect(outcome.isRefused, "\(c.name): \(outcome)")
                walk.next = walk.next.next
            }
            #expect(walk.signed == 0 && walk.dropped.isEmpty, "\(c.name): \(walk.summary)")
            #expect(signer.child?.process.isRunning == true, "\(c.name): the signer stays up")
            let line = signer.child?.waitForOutput(timeout: 10) { $0.contains("signing refused at h/r/s 1/0/1") } == true
                ? signer.output.split(separator: "\n").first { $0.contains("signing refused at h/r/s 1/0/1") }.map(String.init) ?? ""
                : ""
            print("ha: \(c.name): \(line)")
            #expect(c.cause.allSatisfy(line.contains),
                    "\(c.name): one line naming etcd and the cause: \(line)\n\(signer.output.suffix(2000))")
            if let garbage = c.garbage {
                #expect(try cluster.get(HighAvailabilityTests.recordKey) == garbage, "\(c.name): the record was changed")
            } else {
                #expect(try cluster.get(HighAvailabilityTests.recordKey) == nil, "\(c.name): a record was written")
            }
        }
    }
}
