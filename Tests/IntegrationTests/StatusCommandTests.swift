import Foundation
import TestSupport
import Testing
import ValidatorPeer

/// `sigil status` against a live signer: the refreshing view in a real terminal (tmux), `--once`, `--json`.
@Suite(.serialized)
struct StatusCommandTests {
    static var hasTmux: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    @Test(.enabled(if: hasTmux || Vectors.isCI))
    func liveViewRefreshesInATerminalAndQuitsOnQ() throws {
        let pair = try SigningPair()
        defer { pair.close() }
        let (signer, listener, conn, driver) = (pair.signer, pair.listener, pair.conn, pair.driver)
        for height in Int64(1)...3 { try driver.runHeight(conn, height: height) }

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("\(Built.sigil.path) status --addr 127.0.0.1:\(signer.port) --interval 0.2")
        var screen = ""
        let first = try eventually(timeout: 30) {
            screen = try tmux.capture()
            return matches(screen, "e2e-chain +3 +0 +3 +[0-9.]+s ago +writable")
        }
        #expect(first, "the view shows height 3, precommit: \n\(screen)")
        #expect(screen.contains("READY"))
        let validatorRow = NSRegularExpression.escapedPattern(for: listener.address)
            + " +e2e-chain +up [0-9.]+s +[0-9.]+ ms +[0-9.]+ ms +1"
        #expect(matches(screen, validatorRow), "\n\(screen)")
        #expect(screen.contains("q or Ctrl-C quits"))

        // It refreshes by itself as the signer signs on.
        for height in Int64(4)...6 { try driver.runHeight(conn, height: height) }
        let refreshed = try eventually(timeout: 30) {
            screen = try tmux.capture()
            return matches(screen, "e2e-chain +6 +0 +3 ")
        }
        #expect(refreshed, "the view moved on to height 6: \n\(screen)")
        #expect(screen.components(separatedBy: "HEIGHT").count == 2, "one screen, redrawn in place: \n\(screen)")

        // --once prints the same view once; --json the document behind it.
        let (s1, once) = try run(Built.sigil.path, ["status", "--addr", "127.0.0.1:\(signer.port)", "--once"])
        #expect(s1 == 0 && matches(once, "e2e-chain +6 +0 +3 ") && !once.contains("\u{1B}["), "\(once)")
        let (s2, json) = try run(Built.sigil.path, ["status", "--addr", "127.0.0.1:\(signer.port)", "--json"])
        #expect(s2 == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let chain = (doc?["chains"] as? [[String: Any]])?.first
        #expect(chain?["height"] as? Int == 6 && chain?["step"] as? Int == 3, "\(json)")
        let validator = (doc?["validators"] as? [[String: Any]])?.first
        #expect(validator?["connected"] as? Bool == true)
        #expect((validator?["round_trip_p99_ms"] as? Double ?? 0) > 0, "\(json)")
        #expect(doc?["ready"] as? Bool == true)

        // The signer goes away: the view says so and keeps trying; q still quits.
        signer.stop()
        let told = try eventually(timeout: 30) {
            screen = try tmux.capture()
            return screen.contains(
                "sigil status: cannot reach the signer's metrics listener at 127.0.0.1:\(signer.port)")
        }
        #expect(told, "\n\(screen)")
        #expect(tmux.isRunning(), "a lost signer does not end the view")
        try tmux.keys("q")
        #expect(try eventually(timeout: 30) { !tmux.isRunning() }, "q quits: \n\(screen)")
    }

    @Test func explainsWhereTheListenerIsMissing() throws {
        let home = try SignerEndToEndTests.Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:9", extensions: false)
        let (s1, out1) = try run(Built.sigil.path, ["status", "-c", home.config, "--once"])
        #expect(s1 == 1 && out1 == "error: \(home.config) has no [metrics] section; add [metrics] addr = "
                + "\"127.0.0.1:9311\", restart the signer, or pass --addr\n", "\(out1)")
        let closed = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        let port = closed.address.split(separator: ":").last!
        closed.close()
        let (s2, out2) = try run(Built.sigil.path, ["status", "--addr", "127.0.0.1:\(port)", "--json"])
        #expect(s2 == 1 && out2.hasPrefix("error: cannot reach the signer's metrics listener at 127.0.0.1:\(port): "),
                "\(out2)")
        #expect(out2.split(separator: "\n").count == 1)
    }
}

func matches(_ text: String, _ pattern: String) -> Bool {
    text.range(of: pattern, options: .regularExpression) != nil
}

/// A private tmux server with one session running a command in a 160x40 terminal. tmux is run with
/// posix_spawn and waitpid: Foundation's Process did not notice a tmux client exit once the server had forked.
struct Tmux {
    let socket = "sigil-test-\(UUID().uuidString.prefix(8))"

    func start(_ command: String) throws {
        #expect(try tmux(["new-session", "-d", "-s", "main", "-x", "160", "-y", "40", command]).0 == 0)
    }

    func capture() throws -> String { try tmux(["capture-pane", "-p", "-t", "main"]).1 }

    func keys(_ keys: String) throws { _ = try tmux(["send-keys", "-t", "main", keys]) }

    func isRunning() -> Bool { (try? tmux(["has-session", "-t", "main"]).0) == 0 }

    /// Ends the server and removes its socket file (tmux leaves it behind once its last session has ended).
    func kill() {
        _ = try? tmux(["kill-server"])
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }

    /// Runs `tmux -L socket args`, stdout and stderr into a temporary file; returns (status, output).
    private func tmux(_ args: [String]) throws -> (Int32, String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["/usr/bin/tmux", "-L", socket] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : -1, text)
    }
}
