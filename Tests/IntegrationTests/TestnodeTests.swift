import Foundation
import Sockets
import Testing
import TestSupport

/// `sigil testnode` against a real `sigil start`: the stand-in drives heights, verifies every signature and prints
/// a summary; it writes nothing, reports refusals and fails on them; bad flags get one line.
@Suite(.serialized)
struct TestnodeTests {
    typealias Home = SignerEndToEndTests.Home

    /// A free loopback port: bound by the kernel's choice, then released for testnode to take.
    static func freePort() throws -> UInt16 {
        let probe = try Listener.tcp(host: "127.0.0.1", port: 0)
        defer { probe.close() }
        return probe.port
    }

    static func testnode(_ listen: String, _ chain: String, _ extra: [String], in dir: TempDir) throws -> Child {
        try Child(Built.sigil, ["testnode", "--listen", listen, "--chain-id", chain] + extra, currentDirectory: dir.url)
    }

    /// A signer home configured for a testnode on a free loopback port, and an empty working directory for it.
    static func tcpSetup() throws -> (Home, TempDir, String) {
        let home = try Home()
        let listen = "tcp://127.0.0.1:\(try freePort())"
        try home.writeConfig(addr: listen, extensions: false)
        return (home, try TempDir("sigil-testnode-cwd"), listen)
    }

    static func stateHeight(_ home: Home) throws -> Int64 {
        let data = try Data(contentsOf: URL(fileURLWithPath: home.stateFile))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Int64(try #require(json["height"] as? String)) ?? -1
    }

    /// Whether the state file reaches `height`: it follows the signer's replies (the journal holds each state
    /// before the reply), so it may still be one write behind when the stand-in exits.
    static func stateFileReaches(_ home: Home, _ height: Int64) -> Bool {
        eventually(timeout: 30) { (try? stateHeight(home)) == height }
    }

    /// The last height of a stand-in's `summary:` line (`heights A...B`).
    static func lastHeight(_ out: String) throws -> Int64 {
        let summary = try #require(out.split(separator: "\n").last { $0.contains("summary:") })
        let range = try #require(summary.split(separator: "(").dropFirst().first?.split(separator: ")").first)
        return try #require(range.components(separatedBy: "...").last.flatMap { Int64($0) })
    }

    @Test(arguments: SignerEndToEndTests.Transport.allCases)
    func verifiesEverySignatureOfARealSignerAndWritesNothing(_ transport: SignerEndToEndTests.Transport) throws {
        let home = try Home()
        defer { home.dir.remove() }
        let cwd = try TempDir("sigil-testnode-cwd")
        defer { cwd.remove() }
        let listen = transport == .tcp ? "tcp://127.0.0.1:\(try Self.freePort())" : "unix://\(home.dir.path("tn.sock"))"
        try home.writeConfig(addr: listen, extensions: false)
        let node = try Self.testnode(listen, home.chain, ["--heights", "20", "--block-time", "0.05"], in: cwd)
        #expect(node.waitForOutput { $0.contains("testnode: listening on \(listen)") }, "\(node.output)")
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }

        #expect(node.wait(timeout: 90) == 0, "testnode exits 0 after 20 clean heights: \(node.output)\n\(signer.output)")
        let out = node.stdout
        #expect(out.contains("signer connected" + (transport == .tcp ? ", peer ID " : " (unix socket)")), "\(out)")
        #expect(out.components(separatedBy: "proposal, prevote and precommit verified").count - 1 == 20, "\(out)")
        #expect(out.contains("60 signatures verified, 0 refused, 0 invalid, 1 connection"), "\(out)")
        // The last height in the summary is the one the signer recorded: the stand-in asked for exactly these.
        let last = try Self.lastHeight(out)
        #expect(Self.stateFileReaches(home, last), "state file at \((try? Self.stateHeight(home)) ?? -1), not \(last)")
        let left = try FileManager.default.contentsOfDirectory(atPath: cwd.url.path)
        #expect(left.isEmpty, "testnode wrote \(left) into its working directory")
    }

    @Test func reportsRefusalsAndFailsWhenTheSignerHasSignedHigher() throws {
        let (home, cwd, listen) = try Self.tcpSetup()
        defer { home.dir.remove(); cwd.remove() }
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }

        // A fast block time numbers heights far above a slow one's: the second stand-in asks for heights the signer
        // has already passed, as a node would after its state was restored from an old backup.
        let fast = try Self.testnode(listen, home.chain, ["--heights", "3", "--block-time", "0.05"], in: cwd)
        #expect(fast.wait(timeout: 60) == 0, "\(fast.output)\n\(signer.output)")
        let signed = try Self.lastHeight(fast.stdout)
        #expect(Self.stateFileReaches(home, signed), "the state file did not reach \(signed)")
        let slow = try Self.testnode(listen, home.chain, ["--heights", "2", "--block-time", "1"], in: cwd)
        #expect(slow.wait(timeout: 60) == 1, "refusals make testnode fail: \(slow.output)\n\(signer.output)")
        #expect(slow.stdout.components(separatedBy: "REFUSED by the signer").count - 1 == 2, "\(slow.output)")
        #expect(slow.stdout.contains("0 heights, 0 signatures verified, 2 refused, 0 invalid"), "\(slow.output)")
        #expect(try Self.stateHeight(home) == signed, "refused requests never move the signer's state")
    }

    @Test func sigtermPrintsTheSummaryAndExitsCleanly() throws {
        let (home, cwd, listen) = try Self.tcpSetup()
        defer { home.dir.remove(); cwd.remove() }
        let node = try Self.testnode(listen, home.chain, ["--block-time", "0.05"], in: cwd)
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }
        #expect(node.waitForOutput(timeout: 60) { $0.components(separatedBy: "precommit verified").count > 3 }, "\(node.output)")
        node.kill(SIGTERM)
        #expect(node.wait(timeout: 30) == 0, "\(node.output)")
        #expect(node.stdout.contains("testnode: summary: "), "\(node.output)")
        #expect(node.stdout.contains(" 0 refused, 0 invalid"), "\(node.output)")
    }

    @Test func aPortProbeBeforeTheSignerDoesNotStopIt() throws {
        let (home, cwd, listen) = try Self.tcpSetup()
        defer { home.dir.remove(); cwd.remove() }
        let node = try Self.testnode(listen, home.chain, ["--heights", "3", "--block-time", "0.05"], in: cwd)
        #expect(node.waitForOutput { $0.contains("testnode: listening on") }, "\(node.output)")
        // What `sigil check`'s reach test or a scanner does: connect and hang up without a handshake.
        let probe = try Socket.connect(host: "127.0.0.1", port: UInt16(listen.split(separator: ":").last!)!, timeout: 5)
        probe.close()
        #expect(node.waitForOutput { $0.contains("connection dropped before the handshake completed") }, "\(node.output)")
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }
        #expect(node.wait(timeout: 60) == 0, "testnode goes on to serve the signer: \(node.output)\n\(signer.output)")
        #expect(node.stdout.contains("3 heights"), "\(node.output)")
    }

    @Test(arguments: [
        (["--listen", "localhost:26659", "--chain-id", "c"], "--listen localhost:26659: address must start with tcp:// or unix://"),
        (["--listen", "tcp://ab@127.0.0.1:1", "--chain-id", "c"], "--listen tcp://ab@127.0.0.1:1: peer ID `ab`"),
        (["--listen", "tcp://127.0.0.1:1", "--chain-id", "c", "--block-time", "0"], "--block-time 0.0"),
        (["--listen", "tcp://127.0.0.1:1", "--chain-id", ""], "--chain-id is empty"),
    ])
    func badFlagsGetOneLineNamingTheFlag(_ arguments: [String], _ message: String) throws {
        let (status, out) = try run(Built.sigil.path, ["testnode"] + arguments)
        #expect(status != 0)
        #expect(out.contains(message), "\(out)")
    }
}
