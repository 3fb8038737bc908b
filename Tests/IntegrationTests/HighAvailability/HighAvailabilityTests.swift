import Foundation
import Testing
import TestSupport
import ValidatorPeer

/// Two real `sigil start` processes holding one consensus key, sharing the double-sign record in a real
/// 3-member TLS etcd cluster on loopback (scripts/etcd-cluster.sh), each dialed into its own validator-side peers
/// over Secret Connection. Every signature any peer receives goes into the crash campaign's `DoubleSignLedger`;
/// every test ends with zero conflicts, and every refusal must be a reply (a dropped connection or a reply slower
/// than the node's timeout is a failure). See Docs/high-availability.md.
///
/// `SIGIL_HA_SEED` replays a run (each test prints its seed); `SIGIL_HA_KILLS` sets the SIGKILL campaign's kills.
@Suite(.serialized)
struct HighAvailabilityTests {
    static var seed: UInt64 {
        UInt64(ProcessInfo.processInfo.environment["SIGIL_HA_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(Int64.max))
    }

    static let recordKey = "/sigil/\(HASigner.chain)/last_sign_state"

    /// A pair of signers on one key and one cluster, `peers` validator-side peers each.
    static func pair(_ cluster: EtcdCluster, peers: Int) throws -> (HASigner, HASigner) {
        let backend = cluster.stateBackend()
        let a = try HASigner("a", peers: peers, backend: backend, sharedKey: nil)
        let b = try HASigner("b", peers: peers, backend: backend, sharedKey: a.consensusKey)
        return (a, b)
    }

    /// A test's setting: its seed (printed for replay), a 3-member TLS cluster and a pair of signers on it.
    final class Bed {
        let seed: UInt64
        let cluster: EtcdCluster
        let a: HASigner, b: HASigner

        init(_ test: String, peers: Int) throws {
            seed = HighAvailabilityTests.seed
            print("ha: \(test) seed \(seed) (replay: SIGIL_HA_SEED=\(seed))")
            cluster = try EtcdCluster()
            (a, b) = try HighAvailabilityTests.pair(cluster, peers: peers)
        }

        func stop() {
            a.remove()
            b.remove()
            cluster.stop()
        }
    }

    /// What every test asserts at the end: nothing conflicting released, nothing dropped, no reply too slow.
    static func expectSafe(_ walk: HAWalk, _ peers: [HAPeer], _ signers: [HASigner], seed: UInt64,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for c in walk.ledger.conflicts.prefix(5) {
            Issue.record("conflicting signatures released: \(c) (seed \(seed))", sourceLocation: sourceLocation)
        }
        for m in walk.sharedMismatch.prefix(5) {
            Issue.record("peers asking for the same block got different signatures: \(m)", sourceLocation: sourceLocation)
        }
        for d in walk.dropped.prefix(5) {
            Issue.record("a request got no reply: \(d)\n\(signers.map(\.output).joined(separator: "\n---\n").suffix(4000))",
                         sourceLocation: sourceLocation)
        }
        let slowest = peers.map(\.slowest).max() ?? 0
        #expect(slowest < HAPeer.nodeTimeout, "slowest reply \(slowest) s", sourceLocation: sourceLocation)
    }

    /// Two signers, two peers each, asking for conflicting blocks (or, at some steps, two peers for the same
    /// block) at the same heights in random order: every step signed once, the same signature to peers that
    /// asked for the same block, no conflict; the etcd record follows.
    @Test func twoSignersServeConflictingPeers() throws {
        let bed = try Bed("twoSignersServeConflictingPeers", peers: 2)
        defer { bed.stop() }
        let (seed, cluster, a, b) = (bed.seed, bed.cluster, bed.a, bed.b)
        let peers = try a.start() + b.start()
        #expect(Set(peers.map(\.publicKey)).count == 1, "both signers serve the one consensus key")

        var walk = HAWalk(seed: seed)
        let heights = 25
        walk.walk(peers, steps: heights * 3) { _, rng in
            // Half the steps: four different blocks. The rest: two blocks, each asked by two peers.
            if Bool.random(using: &rng) { return ["a0", "a1", "b0", "b1"] }
            return peers.indices.map { _ in Bool.random(using: &rng) ? "x" : "y" }
        }
        print("ha: two signers: \(walk.summary)")
        Self.expectSafe(walk, peers, [a, b], seed: seed)
        #expect(walk.unsigned.isEmpty, "steps nobody got a signature for: \(walk.unsigned.prefix(10))")
        #expect(walk.signed >= heights * 3)
        #expect(walk.refused > 0, "conflicting asks must be refused: \(walk.summary)")
        #expect(walk.shared > 0, "peers asking for the same block must get the same signature: \(walk.summary)")
        #expect((walk.releasedBy["a"] ?? 0) > 0 && (walk.releasedBy["b"] ?? 0) > 0,
                "both signers must release signatures: \(walk.summary)")
        let record = try cluster.get(Self.recordKey) ?? ""
        #expect(record.contains("\"height\": \"\(heights)\"") && record.contains("\"step\": 3"),
                "the etcd record is at the last step signed: \(record)")
    }

    /// Members die under a signing pair: a follower, then the leader (signing goes on, no reply slower than the
    /// node's timeout), then a second one (no quorum: every request refused by reply, nothing released), then
    /// one returns (signing resumes by itself).
    @Test func etcdMemberLossAndQuorumLoss() throws {
        let bed = try Bed("etcdMemberLossAndQuorumLoss", peers: 1)
        defer { bed.stop() }
        let (seed, cluster, a, b) = (bed.seed, bed.cluster, bed.a, bed.b)
        let peers = try a.start() + b.start()
        var walk = HAWalk(seed: seed)
        let conflicting: (HRS, inout SeededRandom) -> [String] = { _, _ in ["a", "b"] }
        walk.walk(peers, steps: 9, blocks: conflicting)

        func leader() throws -> Int {
            var found: Int?
            guard eventually(timeout: 30, { found = try? cluster.leader(); return found != nil }), let found else {
                throw HAFailure("the cluster has no leader")
            }
            return found
        }

        // A follower dies, then comes back.
        let first = try leader()
        let follower = first % 3 + 1
        try cluster.kill(follower)
        walk.walk(peers, steps: 9, blocks: conflicting)
        try cluster.restart(follower)

        // The leader dies: an election, and signing carries on through it.
        let old = try leader()
        try cluster.kill(old)
        walk.walk(peers, steps: 15, blocks: conflicting)
        #expect(walk.unsigned.isEmpty, "steps not signed with one member down: \(walk.unsigned) (\(walk.summary))")

        // A second member dies: no quorum. Every request is refused by a reply; nothing is released.
        let second = old % 3 + 1
        try cluster.kill(second)
        let stuck = walk.next
        let before = walk.signed
        for _ in 0..<10 {
            for outcome in askTogether(peers, stuck, blocks: ["a", "b"], rng: &walk.rng) {
                #expect(outcome.isRefused, "without quorum every request is refused by reply: \(outcome)")
                if outcome.record != nil { walk.take([outcome]) }
            }
        }
        #expect(walk.signed == before, "a signature left a signer without etcd quorum")
        #expect(a.child?.waitForOutput(timeout: 10) { $0.contains("signing refused at h/r/s \(stuck)") && $0.contains("etcd") } == true,
                "the refusal is logged naming etcd:\n\(a.output.suffix(3000))")

        // A member returns: the same step is signed again without restarting anything.
        try cluster.restart(second)
        var resumed: [HAPeer.Outcome] = []
        #expect(eventually(timeout: 30) {
            resumed = askTogether(peers, stuck, blocks: ["a", "b"], rng: &walk.rng)
            return resumed.contains { $0.record != nil } || resumed.contains { if case .dropped = $0 { true } else { false } }
        }, "signing did not resume after quorum returned")
        walk.take(resumed)
        walk.next = stuck.next
        walk.walk(peers, steps: 9, blocks: conflicting)
        print("ha: member loss: \(walk.summary)")
        Self.expectSafe(walk, peers, [a, b], seed: seed)
        #expect(walk.unsigned.isEmpty, "steps not signed: \(walk.unsigned)")
        try cluster.restart(old)
    }
}
