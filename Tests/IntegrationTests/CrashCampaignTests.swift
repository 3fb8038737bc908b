import Foundation
import Testing
import TestSupport
import ValidatorPeer

/// Deliverable: SIGKILL the real `sigil start` at random moments, many times, while a validator-side peer keeps
/// asking it to sign, re-asking after every reconnect for a different block at a height/round/step it asked
/// before. No two signatures the peer ever received may conflict under FilePV's rules.
///
/// `SIGIL_CRASH_KILLS` sets the number of kills (default 200, what CI runs); `SIGIL_CRASH_SEED` replays a run
/// (the seed is printed). See Docs/reliability.md.
@Suite(.serialized)
struct CrashCampaignTests {
    @Test func sigkillStormReleasesNoConflictingSignature() throws {
        let env = ProcessInfo.processInfo.environment
        let kills = Int(env["SIGIL_CRASH_KILLS"] ?? "") ?? 200
        let seed = UInt64(env["SIGIL_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(Int64.max))
        print("crash-campaign: \(kills) kills, seed \(seed) (replay: SIGIL_CRASH_SEED=\(seed))")

        let home = try SignerEndToEndTests.Home()
        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address, extensions: false)
        let stateDir = URL(fileURLWithPath: home.stateFile).deletingLastPathComponent().path
        let peer = CampaignPeer(chainID: home.chain, seed: seed)
        var rng = SeededRandom(seed: seed ^ 0x6B69_6C6C)
        var insideWrite = 0
        var seenTemps: Set<String> = []
        let started = Date()

        for k in 0..<kills {
            let sigil = try home.start()
            let conn: ValidatorConnection
            do { conn = try listener.accept(timeout: 60) } catch {
                Issue.record("kill \(k): the signer did not come back: \(error)\n\(sigil.output)")
                break
            }
            // Kill while request `killAt` is in flight, 0 µs to twice the usual round trip after it was sent:
            // a quarter of the kills land the instant the request leaves, most of the rest inside the state
            // write (the journal's fdatasync is most of a round trip) or the state file's replace that follows.
            let killAt = Int.random(in: 0..<6, using: &rng)
            let window = max(2 * peer.medianRoundTripMicros, 1000)
            let delay = Int.random(in: 0..<4, using: &rng) == 0 ? 0 : Int.random(in: 0..<window, using: &rng)
            var killed = false
            try peer.serve(conn, origin: "kill \(k)") { n in
                guard n == killAt else { return }
                if delay > 0 { usleep(UInt32(delay)) }
                sigil.kill(SIGKILL)
                sigil.wait()
                killed = true
                // A temp file that was not there before: the kill hit the state file's replace (which follows the
                // journal record) between the temp file's creation and the rename.
                let temps = Self.tempFiles(in: stateDir)
                if !temps.isSubset(of: seenTemps) { insideWrite += 1 }
                seenTemps.formUnion(temps)
            }
            conn.close()
            if !killed {
                sigil.kill(SIGKILL)
                sigil.wait()
            }
            if !peer.ledger.conflicts.isEmpty { break }
        }

        let seconds = Int(Date().timeIntervalSince(started))
        print("crash-campaign: \(kills) kills in \(seconds) s, \(insideWrite) inside a state-file write (temp file left), "
            + "height \(peer.height), \(peer.stats), conflicts \(peer.ledger.conflicts.count), seed \(seed)")
        if peer.ledger.conflicts.isEmpty {
            home.dir.remove()
        } else {
            let ledger = home.dir.path("ledger.txt")
            try peer.ledger.text.write(toFile: ledger, atomically: true, encoding: .utf8)
            for c in peer.ledger.conflicts.prefix(5) { Issue.record("conflicting signatures released: \(c)") }
            let kept = "every signature received is in \(ledger), the signer's home is \(home.dir.url.path)"
            Issue.record("seed \(seed); \(kept)")
        }
        // The campaign must have exercised what it claims, or its zero means nothing.
        #expect(peer.stats.signed >= kills / 2, "too few signatures: \(peer.stats)")
        if kills >= 50 {
            #expect(peer.stats.reasks > 0 && peer.stats.refused > 0,
                    "re-asks must reach the signer and be refused: \(peer.stats)")
            #expect(insideWrite > 0, "no kill landed inside a state-file write")
        }
    }

    static func tempFiles(in dir: String) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".tmp-") })
    }
}
