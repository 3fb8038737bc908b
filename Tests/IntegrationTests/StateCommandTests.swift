import Foundation
import Privval
import Testing
import TestSupport
import ValidatorPeer

/// `sigil state show|set` on a real state file: raising the watermark makes the running signer refuse what lies
/// at or below it, lowering is refused, and the command refuses while a signer holds the chain's lock.
struct StateCommandTests {
    typealias Home = SignerEndToEndTests.Home

    @Test func setRaisesTheWatermarkAndNeverLowersIt() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let sigil = Built.sigil.path
        let (s1, o1) = try run(sigil, ["state", "set", home.stateFile, "--height", "40", "--round", "1", "--step", "2"])
        #expect(s1 == 0, "\(o1)")
        let (s2, o2) = try run(sigil, ["state", "show", home.stateFile])
        #expect(s2 == 0 && o2.contains("h/r/s 40/1/2"), "\(o2)")
        let (s3, o3) = try run(sigil, ["state", "set", home.stateFile, "--height", "39"])
        #expect(s3 != 0 && o3.contains("refusing to lower"), "\(o3)")

        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address, extensions: false)
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }
        let conn = try listener.accept(timeout: 30)
        var driver = ConsensusDriver(chainID: home.chain)
        _ = try driver.fetchPublicKey(conn)
        for (h, r, type) in [(Int64(40), Int32(1), SignedMsgType.prevote), (40, 0, .precommit), (12, 0, .prevote)] {
            let vote = ConsensusDriver.vote(type, height: h, round: r, blockID: ConsensusDriver.blockID(height: h))
            guard case .signedVoteResponse(let v, let error) = try conn.request(.signVoteRequest(vote, chainID: home.chain))
            else { Issue.record("expected SignedVoteResponse"); continue }
            #expect(error != nil && v.signature.isEmpty, "\(h)/\(r)/\(type.name) is at or below the watermark")
        }
        _ = try driver.signVote(conn, ConsensusDriver.vote(.precommit, height: 40, round: 1,
                                                          blockID: ConsensusDriver.blockID(height: 40)))

        let (s4, o4) = try run(sigil, ["state", "set", home.stateFile, "--height", "100"])
        #expect(s4 != 0 && o4.contains("another sigil is already running"), "the lock stops edits under a signer: \(o4)")
    }
}
