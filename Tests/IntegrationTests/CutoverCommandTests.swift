import Foundation
import Testing
import TestSupport
import ValidatorPeer

/// The cutover commands through the real binary: `sigil check`, `sigil state import|export`, `sigil start`'s
/// empty-state refusal, `sigil provision --role`'s PSK choice and the second config name.
struct CutoverCommandTests {
    typealias Home = SignerEndToEndTests.Home
    let sigil = Built.sigil.path

    @Test func checkSeesARunningSigilByItsLock() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let node = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { node.close() }
        try home.writeConfig(addr: node.address, extensions: false)
        let (rc0, before) = try cli(sigil, ["check", "-c", home.config])
        // The docs tests run a process named tmkms at times; every other check must pass.
        let failed = before.split(separator: "\n").filter { $0.hasPrefix("FAIL") && !$0.contains("tmkms is running") }
        #expect(failed.isEmpty && (rc0 == 0 || before.contains("FAIL tmkms")), "nothing else running: \(before)")
        #expect(before.contains("ok   [[validator]] \(node.address) (line 12): the node accepts TCP connections"), "\(before)")

        let signer = try home.start()
        defer { signer.kill() }
        _ = try DocsTests.accept(node, timeout: 30)  // past the check's bare TCP probe
        let (rc, out) = try cli(sigil, ["check", "-c", home.config])
        #expect(rc == 1)
        #expect(out.contains("FAIL chain \(home.chain): a signer is running (pid \(signer.process.processIdentifier) "
            + "holds \(home.stateFile).lock); stop it before starting another"), "\(out)")
        #expect(out.contains("error: 1 check(s) failed; fix them before `sigil start`"), "\(out)")
    }

    @Test func checkFailsForAnUnreachableNode() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let addr = try StartOrderTests.absentNode().addr
        try home.writeConfig(addr: addr, extensions: false)
        let (rc, out) = try cli(sigil, ["check", "-c", home.config, "--timeout", "1"])
        #expect(rc == 1)
        #expect(out.contains("FAIL [[validator]] \(addr) (line 12): ") && out.contains("start the node"), "\(out)")
    }

    @Test func importRaisesOnlyAndAcceptsHorcrux() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:9", extensions: false)
        // horcrux's <chain>_priv_validator_state.json: FilePV keys, int64s as strings, its own extra keys.
        let horcrux = home.dir.path("horcrux_state.json")
        try "{\"height\":\"120\",\"round\":\"2\",\"step\":2,\"nonce_public\":null,\"signature\":null,\"signbytes\":\"\"}"
            .write(toFile: horcrux, atomically: true, encoding: .utf8)
        let (rc1, o1) = try cli(sigil, ["state", "import", horcrux, "-c", home.config])
        #expect(rc1 == 0 && o1.contains("raised from nothing to h/r/s 120/2/2 (prevote)"), "\(o1)")
        let (rc2, o2) = try cli(sigil, ["state", "import", horcrux, "-c", home.config])
        #expect(rc2 == 0 && o2.contains("is already at h/r/s 120/2/2; nothing to do"), "\(o2)")

        let older = home.dir.path("older.json")
        try "{\"height\":\"119\",\"round\":\"0\",\"step\":2,\"block_id\":null}".write(toFile: older, atomically: true, encoding: .utf8)
        let (rc3, o3) = try cli(sigil, ["state", "import", older, "-c", home.config])
        #expect(rc3 == 1 && o3.contains("error: refusing to lower \(home.stateFile): it is at h/r/s 120/2/2, "
            + "\(older) only at 119/0/3; nothing changed"), "\(o3)")
        let (_, shown) = try cli(sigil, ["state", "show", home.stateFile])
        #expect(shown.contains("h/r/s 120/2/2"), "\(shown)")

        let (rc4, o4) = try cli(sigil, ["state", "import", home.dir.path("nope.json"), "-c", home.config])
        #expect(rc4 == 1 && o4.contains("error: no state file at \(home.dir.path("nope.json"))"), "\(o4)")
    }

    @Test func exportFormatsAndNeverLowersTheTarget() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:9", extensions: false)
        let (rc0, _) = try cli(sigil, ["state", "set", home.stateFile, "--height", "77", "--round", "1", "--step", "2"])
        #expect(rc0 == 0)
        let (_, horcrux) = try cli(sigil, ["state", "export", "-c", home.config, "--format", "horcrux"])
        #expect(horcrux.contains("\"height\": \"77\"") && horcrux.contains("\"round\": \"1\"")
                && horcrux.contains("\"step\": 2") && horcrux.contains("\"nonce_public\": null"), "\(horcrux)")
        let (_, comet) = try cli(sigil, ["state", "export", "-c", home.config, "--format", "cometbft"])
        #expect(comet.contains("\"height\": \"77\"") && comet.contains("\"round\": 1"), "\(comet)")
        // No sign bytes: tmkms gets the next round, so it cannot sign 77/1/prevote for nil again.
        let (_, tmkms) = try cli(sigil, ["state", "export", "-c", home.config, "--format", "tmkms"])
        #expect(tmkms == "{\"height\":\"77\",\"round\":\"2\",\"step\":0,\"block_id\":null}\n", "\(tmkms)")

        let target = home.dir.path("tmkms-state.json")
        try "{\"height\":\"90\",\"round\":\"0\",\"step\":0,\"block_id\":null}".write(toFile: target, atomically: true, encoding: .utf8)
        let (rc, out) = try cli(sigil, ["state", "export", "-c", home.config, "--format", "tmkms", "--out", target])
        #expect(rc == 1 && out.contains("error: refusing to lower \(target): it is at h/r/s 90/0/1, the export only "
            + "at 77/1/2; nothing changed"), "\(out)")
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"height\":\"90\""), "left as it was")
    }

    @Test func startRefusesAnEmptyStateBesideAnOldSignersUnlessTold() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:9", extensions: false)
        // tmkms's default: ./<chain>_priv_validator_state.json in the working directory.
        let old = home.dir.path("\(home.chain)_priv_validator_state.json")
        try "{\"height\":\"500\",\"round\":\"0\",\"step\":1,\"block_id\":null}".write(toFile: old, atomically: true, encoding: .utf8)
        let refused = try Child(Built.sigil, ["start", "-c", home.config], currentDirectory: home.dir.url)
        #expect(refused.wait(timeout: 30) == 1)
        #expect(refused.stderr.contains("error: refusing to start chain \(home.chain) from an empty state (\(home.stateFile)) "
            + "while \(old) (h/r/s 500/0/2 (tmkms file)) exists"), "\(refused.output)")
        #expect(refused.stderr.contains("looked in \(home.dir.url.path)/state/\(home.chain)-consensus.json"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: home.stateFile), "nothing written")

        let told = try Child(Built.sigil, ["start", "-c", home.config, "--accept-empty-state"], currentDirectory: home.dir.url)
        defer { told.kill() }
        #expect(told.waitForOutput { $0.contains("--accept-empty-state given, ignoring \(old)") }, "\(told.output)")
    }

    @Test func provisionRoleNeedsAnExplicitPSKChoice() throws {
        let dir = try TempDir("sigil-psk")
        defer { dir.remove() }
        #expect(try cli(sigil, ["wg", "genkey", "--out", dir.path("own.key")]).0 == 0)
        let (_, peer) = try cli(sigil, ["wg", "pubkey"], input: try String(contentsOfFile: dir.path("own.key"), encoding: .utf8))
        let base = ["provision", "--role", "signer", "--private-key", dir.path("own.key"),
                    "--peer-public-key", peer.trimmingCharacters(in: .whitespacesAndNewlines), "--chain-id", "kira-1",
                    "--validator-endpoint", "203.0.113.10", "--signer-endpoint", "198.51.100.20"]
        let (rc1, o1) = try cli(sigil, base + ["--out", dir.path("a")])
        #expect(rc1 != 0 && o1.contains("--role needs --psk-file FILE (the same `sigil wg genpsk` key on both machines) "
            + "or --no-psk"), "\(o1)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("a")))
        let (rc2, o2) = try cli(sigil, base + ["--out", dir.path("b"), "--no-psk"])
        #expect(rc2 == 0, "\(o2)")
        #expect(!(try String(contentsOfFile: dir.path("b/signer/wg0.conf"), encoding: .utf8)).contains("PresharedKey"))
        #expect(try cli(sigil, ["wg", "genpsk", "--out", dir.path("psk")]).0 == 0)
        let (rc3, o3) = try cli(sigil, base + ["--out", dir.path("c"), "--psk-file", dir.path("psk")])
        #expect(rc3 == 0, "\(o3)")
        #expect(try String(contentsOfFile: dir.path("c/signer/wg0.conf"), encoding: .utf8).contains("PresharedKey"))
        let (rc4, o4) = try cli(sigil, base + ["--out", dir.path("d"), "--psk-file", dir.path("psk"), "--no-psk"])
        #expect(rc4 != 0 && o4.contains("--psk-file and --no-psk contradict each other"), "\(o4)")
    }

    @Test func theOtherConfigNameIsFoundAndNamed() throws {
        let home = try Home()
        defer { home.dir.remove() }
        try home.writeConfig(addr: "tcp://127.0.0.1:9", extensions: false)
        try FileManager.default.moveItem(atPath: home.config, toPath: home.dir.path("sigil.toml"))
        let (rc, out) = try cli(sigil, ["check", "--timeout", "0.5"], cwd: home.dir.path(""))
        #expect(rc == 1, "the node is absent")
        #expect(out.contains("ok   reading ./sigil.toml: Sigil's config file is named tmkms.toml"), "\(out)")
        #expect(out.contains("ok   config sigil.toml: 1 chain(s), 1 validator(s)"), "\(out)")
    }
}

/// Runs a command with standard input or a working directory or a working directory, through /bin/sh (test-only plumbing).
private func cli(_ path: String, _ args: [String], input: String? = nil, cwd: String? = nil) throws -> (Int32, String) {
    var command = ([path] + args).map(shellQuote).joined(separator: " ")
    if let input { command = "printf %s \(shellQuote(input)) | " + command }
    if let cwd { command = "cd \(shellQuote(cwd)) && " + command }
    return try TestSupport.run("/bin/sh", ["-c", command])
}
