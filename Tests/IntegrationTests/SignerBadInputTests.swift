import Foundation
import Privval
import Testing
import TestSupport
import ValidatorPeer

/// Bad input against the real `sigil start`: each gets a one-line error naming the input and the fix,
/// and nothing is signed that is not on disk first.
@Suite(.serialized)
struct SignerBadInputTests {
    typealias Home = SignerEndToEndTests.Home

    static func startFails(_ home: Home, expecting fragments: [String]) throws {
        let (status, out) = try run(Built.sigil.path, ["start", "-c", home.config])
        #expect(status != 0, "start must fail: \(out)")
        let errorLines = out.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errorLines.count == 1, "exactly one error line: \(out)")
        for f in fragments { #expect(out.contains(f), "error mentions `\(f)`: \(out)") }
    }

    @Test func unknownKeyNamesFileLineAndField() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:1", extensions: false)
        var text = try String(contentsOfFile: home.config, encoding: .utf8)
        text = text.replacingOccurrences(of: "reconnect = true", with: "reconnect = true\nprotocol_versoin = \"v0.37\"")
        try text.write(toFile: home.config, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("protocol_versoin") }! + 1
        try Self.startFails(home, expecting: ["tmkms.toml:\(line)", "protocol_versoin"])
    }

    @Test func malformedTomlIsAStartupError() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try "[[chain]\nid = \"x\"\n".write(toFile: home.config, atomically: true, encoding: .utf8)
        try Self.startFails(home, expecting: ["tmkms.toml:1"])
    }

    @Test func validatorForUnknownChainIsAStartupError() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:1", extensions: false)
        var text = try String(contentsOfFile: home.config, encoding: .utf8)
        text = text.replacingOccurrences(of: "chain_id = \"\(home.chain)\"", with: "chain_id = \"other-chain\"")
        try text.write(toFile: home.config, atomically: true, encoding: .utf8)
        try Self.startFails(home, expecting: ["other-chain"])
    }

    @Test func missingSecretKeyFileIsAStartupError() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:1", extensions: false)
        try FileManager.default.removeItem(atPath: home.dir.path("secrets/kms-identity.key"))
        try Self.startFails(home, expecting: ["kms-identity.key"])
    }

    @Test func truncatedKeyFileIsRefused() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:1", extensions: false)
        let key = try String(contentsOfFile: home.consensusKey, encoding: .utf8)
        try FileManager.default.removeItem(atPath: home.consensusKey)
        FileManager.default.createFile(atPath: home.consensusKey, contents: Data(key.prefix(20).utf8),
                                       attributes: [.posixPermissions: 0o600])
        try Self.startFails(home, expecting: [home.consensusKey])
    }

    @Test func worldReadableKeyFileIsRefused() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:1", extensions: false)
        chmod(home.consensusKey, 0o644)
        try Self.startFails(home, expecting: [home.consensusKey, "chmod 600"])
    }

    @Test func wrongChainIDGetsAnErrorReplyAndTheConnectionStays() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address, extensions: false)
        let sigil = try home.start()
        defer { sigil.kill(SIGTERM) }
        let conn = try listener.accept(timeout: 30)
        let vote = ConsensusDriver.vote(.prevote, height: 5, blockID: ConsensusDriver.blockID(height: 5))
        let reply = try conn.request(.signVoteRequest(vote, chainID: "some-other-chain"))
        guard case .signedVoteResponse(let v, let error) = reply else {
            Issue.record("expected SignedVoteResponse, got \(reply)")
            return
        }
        #expect(v.signature.isEmpty)
        #expect(error?.description.contains("some-other-chain") == true)
        #expect(try conn.request(.pingRequest) == .pingResponse)
        // The refused request left no trace: the same height still signs for the right chain.
        var driver = ConsensusDriver(chainID: home.chain)
        _ = try driver.fetchPublicKey(conn)
        _ = try driver.signVote(conn, vote)
    }

    /// A state directory that turns read-only mid-run (a read-only bind mount over it): the journal, open since
    /// start, still takes each signature's state durably, the log says the state file is behind, and the file
    /// catches up once the directory is writable again. (A failing journal write withholds the signature:
    /// JournalFileTests, and the strace fault injection.)
    @Test(.enabled(if: getuid() == 0 || Vectors.isCI))
    func readOnlyStateDirectoryKeepsSigningThroughTheJournal() throws {
        try Self.diskTrouble(
            break: { dir in
                try Self.mount(["--bind", dir, dir])
                try Self.mount(["-o", "remount,bind,ro", dir])
            },
            repair: { dir in try Self.mount(["-u", dir], umount: true) })
    }

    /// A full disk (a 1 MiB tmpfs filled up): the journal is preallocated, so it needs no new space; same contract
    /// as a read-only directory.
    @Test(.enabled(if: getuid() == 0 || Vectors.isCI))
    func fullDiskKeepsSigningFromThePreallocatedJournal() throws {
        try Self.diskTrouble(
            prepare: { dir in try Self.mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]) },
            break: { dir in
                _ = try run("/bin/dd", ["if=/dev/zero", "of=\(dir)/filler", "bs=64k", "count=64"])
            },
            repair: { dir in try FileManager.default.removeItem(atPath: "\(dir)/filler") },
            cleanup: { dir in try? Self.mount(["-l", dir], umount: true) })
    }

    static func mount(_ args: [String], umount: Bool = false) throws {
        let (status, out) = try run(umount ? "/bin/umount" : "/bin/mount", args.filter { $0 != "-u" })
        #expect(status == 0, "\(umount ? "umount" : "mount") \(args): \(out)")
    }

    static func diskTrouble(prepare: (String) throws -> Void = { _ in }, break breakIt: (String) throws -> Void,
                            repair: (String) throws -> Void, cleanup: (String) -> Void = { _ in }) throws {
        let home = try Home()
        defer { home.dir.remove() }
        let stateDir = home.dir.path("state")
        try prepare(stateDir)
        defer { cleanup(stateDir) }

        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address, extensions: false)
        let sigil = try home.start()
        defer { sigil.kill(SIGTERM) }
        let conn = try listener.accept(timeout: 30)
        var driver = ConsensusDriver(chainID: home.chain)
        _ = try driver.fetchPublicKey(conn)
        _ = try driver.runHeight(conn, height: 1)
        // The state file follows the replies (the journal holds each state first): let it reach height 1.
        #expect(eventually {
            let text = (try? String(contentsOfFile: home.stateFile, encoding: .utf8)) ?? ""
            return text.contains("\"height\": \"1\"") || text.contains("\"height\":\"1\"")
        },
                "the state file reaches height 1 before the trouble")

        try breakIt(stateDir)
        let vote = ConsensusDriver.vote(.prevote, height: 2, blockID: ConsensusDriver.blockID(height: 2))
        let signed = try driver.signVote(conn, vote)
        #expect(!signed.signature.isEmpty, "the journal was preallocated and open before the trouble")
        let (s1, shown) = try run(Built.sigil.path, ["state", "show", home.stateFile])
        #expect(s1 == 0 && shown.contains("h/r/s 2/0/2"), "the journal holds the released state: \(shown)")
        #expect(sigil.waitForOutput { $0.contains("cannot bring state file \(home.stateFile) up to its journal") },
                "the lagging state file is logged: \(sigil.output)")
        let onDisk = try String(contentsOfFile: home.stateFile, encoding: .utf8)
        #expect(onDisk.contains("\"height\": \"1\"") || onDisk.contains("\"height\":\"1\""), "file still at height 1: \(onDisk)")

        try repair(stateDir)
        _ = try driver.runHeight(conn, height: 3)
        #expect(eventually {
            let text = (try? String(contentsOfFile: home.stateFile, encoding: .utf8)) ?? ""
            return text.contains("\"height\": \"3\"") || text.contains("\"height\":\"3\"")
        },
                "the state file catches up once the disk is mended")
    }
}
