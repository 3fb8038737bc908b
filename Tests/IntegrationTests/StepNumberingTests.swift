import Foundation
import Privval
import Testing
import TestSupport
import ValidatorPeer

/// One step numbering (CometBFT's 1 proposal, 2 prevote, 3 precommit) in the signed log line, the refusal the node
/// gets, the double-sign log line and `sigil state show|set`: a value copied from any of them means the same step.
struct StepNumberingTests {
    typealias Home = SignerEndToEndTests.Home

    @Test func logRefusalAndStateCommandsAgree() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address, extensions: false)
        let signer = try home.start()
        defer { signer.kill(SIGKILL); signer.wait() }
        let conn = try listener.accept(timeout: 30)
        defer { conn.close() }
        var driver = ConsensusDriver(chainID: home.chain)
        _ = try driver.fetchPublicKey(conn)
        try driver.runHeight(conn, height: 7)

        let fork = ConsensusDriver.vote(.precommit, height: 7, blockID: ConsensusDriver.blockID(height: 7, variant: "b"))
        guard case .signedVoteResponse(_, let error?) = try conn.request(.signVoteRequest(fork, chainID: home.chain))
        else {
            Issue.record("a conflicting precommit is refused")
            return
        }
        #expect(error.description.contains("double sign refused at h/r/s 7/0/3 (precommit)"), "\(error)")
        #expect(signer.waitForOutput(timeout: 10) { $0.contains("attempted double sign Precommit at h/r/s: 7/0/3") },
                "\(signer.output)")
        let lines = signer.output.split(separator: "\n")
        for (type, step) in [("Proposal", 1), ("Prevote", 2), ("Precommit", 3)] {
            let line = lines.first { $0.contains("] signed \(type):") }
            #expect(line?.contains(" at h/r/s 7/0/\(step) (") == true, "\(line ?? "no signed \(type) line")")
        }
        signer.kill(SIGKILL)
        signer.wait()

        let sigil = Built.sigil.path
        let (s1, shown) = try run(sigil, ["state", "show", home.stateFile])
        #expect(s1 == 0 && shown.contains("h/r/s 7/0/3 (precommit)"), "\(shown)")
        // The precommit's 7/0/3 from the log is exactly what is stored, so it is not "above" the state.
        let (s2, same) = try run(sigil, ["state", "set", home.stateFile, "--height", "7", "--round", "0", "--step", "3"])
        #expect(s2 != 0 && same.contains("it is at h/r/s 7/0/3 (precommit), the new value 7/0/3 (precommit)"), "\(same)")
        let (s3, raised) = try run(sigil, ["state", "set", home.stateFile, "--height", "8", "--step", "2"])
        #expect(s3 == 0 && raised.contains("now at h/r/s 8/0/2 (prevote)"), "\(raised)")
    }
}
