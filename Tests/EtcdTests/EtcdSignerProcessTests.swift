import Foundation
import KeyFormats
import Privval
import SigilCrypto
import Testing
import TestSupport
import ValidatorPeer

/// The real `sigil` binary with an etcd state_backend: `sigil start` signing over a real socket, `sigil state`
/// and `sigil check` against the record, and config mistakes through the binary.
@Suite(.serialized)
final class EtcdSignerProcessTests {
    let cluster: EtcdCluster
    let dir: TempDir
    let chain = "etcd-e2e-1"

    init() throws {
        cluster = try EtcdCluster(members: 1)
        dir = try TempDir("sigil-etcd-e2e")
        try FileManager.default.createDirectory(atPath: dir.path("state"), withIntermediateDirectories: true)
        let (s, out) = try run(Built.sigil.path, ["softsign", "keygen", dir.path("consensus.key")])
        #expect(s == 0, "\(out)")
        let (s2, out2) = try run(Built.sigil.path, ["softsign", "keygen", dir.path("identity.key")])
        #expect(s2 == 0, "\(out2)")
    }

    deinit {
        cluster.stop()
        dir.remove()
    }

    var config: String { dir.path("tmkms.toml") }
    var stateFile: String { dir.path("state/\(chain).json") }
    var key: String { "/sigil/\(chain)/last_sign_state" }

    func writeConfig(addr: String = "unix:///nonexistent/sigil.sock", backend: String? = nil) throws {
        try """
            [[chain]]
            id = "\(chain)"
            key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
            state_file = "\(stateFile)"
            state_backend = \(backend ?? cluster.stateBackend(timeoutMs: 3000))

            [[providers.softsign]]
            chain_ids = ["\(chain)"]
            key_type = "consensus"
            path = "\(dir.path("consensus.key"))"

            [[validator]]
            chain_id = "\(chain)"
            addr = "\(addr)"
            secret_key = "\(dir.path("identity.key"))"
            protocol_version = "v0.37"
            reconnect = true

            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    @Test func startSignsThroughEtcdOverARealSocket() throws {
        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try writeConfig(addr: listener.address)
        let sigil = try Child(Built.sigil, ["start", "-c", config])
        defer { sigil.kill(SIGKILL); sigil.wait() }
        let conn = try listener.accept(timeout: 60)
        var driver = ConsensusDriver(chainID: chain)
        _ = try driver.fetchPublicKey(conn)
        var last: Vote?
        for height in Int64(1)...20 { last = try driver.runHeight(conn, height: height, propose: height % 4 == 0)[1] }
        let record = try #require(try cluster.get(key), "the record exists after signing")
        #expect(record.contains("\"height\": \"20\"") && record.contains("\"step\": 3"), "\(record)")
        #expect(record.contains(Base64.encode(try #require(last).signature)), "the record holds the released signature")
        // The journal is written before each reply; the state file follows it off the signing path.
        #expect(eventually {
            (try? String(contentsOfFile: stateFile, encoding: .utf8))?.contains("\"height\": \"20\"") == true
        }, "the local state file follows every win")

        // Another signer moved the record on (as `sigil state set` does elsewhere): this one now refuses below it.
        let (s, out) = try run(Built.sigil.path, ["state", "set", "-c", config, "--height", "30"])
        #expect(s == 0 && out.contains("etcd \(key) raised from h/r/s 20/0/3 to h/r/s 30/0/3"), "\(out)")
        #expect(out.contains("left as it is"), "the running signer's local file is not touched: \(out)")
        let vote = ConsensusDriver.vote(.prevote, height: 25, blockID: ConsensusDriver.blockID(height: 25))
        guard case .signedVoteResponse(let v, let error) = try conn.request(.signVoteRequest(vote, chainID: chain)) else {
            Issue.record("expected a SignedVoteResponse")
            return
        }
        #expect(error?.description.contains("height regression") == true && v.signature.isEmpty, "\(String(describing: error))")
        _ = try driver.runHeight(conn, height: 31)

        // etcd gone: an error reply naming etcd, the connection stays, and signing resumes when it is back.
        cluster.stop()
        let down = ConsensusDriver.vote(.prevote, height: 32, blockID: ConsensusDriver.blockID(height: 32))
        guard case .signedVoteResponse(let none, let refusal) = try conn.request(.signVoteRequest(down, chainID: chain))
        else { Issue.record("expected a SignedVoteResponse"); return }
        #expect(none.signature.isEmpty && refusal?.description.contains("etcd unreachable") == true,
                "\(String(describing: refusal))")
        #expect(sigil.waitForOutput(timeout: 10) { $0.contains("signing refused at h/r/s 32/0/2: etcd unreachable") },
                "\(sigil.output)")
    }

    @Test func stateShowAndCheckReadTheRecord() throws {
        try writeConfig()
        let (s0, o0) = try run(Built.sigil.path, ["state", "show", "-c", config, "--chain-id", chain])
        #expect(s0 == 0 && o0.contains("etcd \(key): no record yet"), "\(o0)")
        let (s1, o1) = try run(Built.sigil.path, ["state", "set", "-c", config, "--height", "7", "--round", "2", "--step", "1"])
        #expect(s1 == 0, "\(o1)")
        let (s2, o2) = try run(Built.sigil.path, ["state", "show", "-c", config])
        #expect(s2 == 0 && o2.contains("etcd \(key): h/r/s 7/2/1 (proposal)") && o2.contains("local \(stateFile): h/r/s 7/2/1"), "\(o2)")
        let (s3, o3) = try run(Built.sigil.path, ["state", "set", "-c", config, "--height", "6"])
        #expect(s3 != 0 && o3.contains("refusing to lower or repeat the etcd record \(key)"), "\(o3)")
        let (s4, o4) = try run(Built.sigil.path, ["check", "-c", config])
        #expect(o4.contains("ok   chain \(chain): etcd answers (1 endpoint(s)); record \(key) at h/r/s 7/2/1"), "\(s4) \(o4)")
    }

    @Test func configMistakesThroughTheBinary() throws {
        // An over-permissive client key: refused like every key file, naming the line of state_backend.
        let loose = dir.path("loose-key.pem")
        try FileManager.default.copyItem(atPath: cluster.keyFile, toPath: loose)
        chmod(loose, 0o644)
        try writeConfig(backend: cluster.stateBackend(key: loose))
        let (s1, o1) = try run(Built.sigil.path, ["start", "-c", config])
        #expect(s1 != 0 && o1.contains("\(config):5: state_backend of [[chain]] id = \"\(chain)\" key_file = \"\(loose)\" is accessible to group or others"), "\(o1)")
        #expect(!o1.contains("PRIVATE KEY"), "the key is never printed")

        try writeConfig(backend: "{ type = \"etcd\", endpoints = [\"https://127.0.0.1:1\"] }")
        let (s2, o2) = try run(Built.sigil.path, ["start", "-c", config])
        #expect(s2 != 0 && o2.contains("\(config):5: endpoint \"https://127.0.0.1:1\""), "\(o2)")

        try writeConfig(backend: cluster.stateBackend(ca: dir.path("missing-ca.pem")))
        let (s3, o3) = try run(Built.sigil.path, ["check", "-c", config])
        #expect(s3 != 0 && o3.contains("ca_file = \"\(dir.path("missing-ca.pem"))\": not found"), "\(o3)")
    }

    /// `sigil bench --state-backend`: the signer process runs with the etcd record and the bench says so.
    @Test func benchRunsTheSignerWithTheEtcdBackend() throws {
        let (status, out) = try run(Built.sigil.path, [
            "bench", "--heights", "10", "--rounds", "1", "--transport", "unix", "--downtime", "0.1",
            "--state-backend", cluster.stateBackend(prefix: "/bench", timeoutMs: 3000),
        ])
        #expect(status == 0, "\(out)")
        #expect(out.contains("state in etcd (1 endpoint(s), key prefix /bench/bench-"), "\(out)")
        let (_, keys) = try cluster.ctl(["get", "/bench", "--prefix", "--keys-only"])
        #expect(keys.contains("/sigil-bench-1/last_sign_state"), "the bench's signer wrote its record: \(keys)")
        let (bad, badOut) = try run(Built.sigil.path, ["bench", "--state-backend", "{ type = \"etcd\" }"])
        #expect(bad != 0 && badOut.contains("--state-backend:1: state_backend of --state-backend is missing `endpoints`"),
                "\(badOut)")
    }
}
