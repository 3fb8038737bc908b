import Foundation
import Privval
import Sockets
import TestSupport
import Testing
import ValidatorPeer

/// A live `sigil start` with `[metrics]`, signing for a validator-side peer, scraped over HTTP.
@Suite(.serialized)
struct MetricsTests {
    @Test func countsSignaturesRefusalsAndConnectionsWithJSONLogs() throws {
        let home = try SignerEndToEndTests.Home()
        defer { home.dir.remove() }
        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        let signer = try LiveSigner(home, validatorAddr: listener.address, arguments: ["--log-format", "json"])
        defer { signer.stop() }
        let chain = home.chain, v = "chain_id=\"\(chain)\",validator=\"\(listener.address)\""

        #expect(try signer.get("/healthz") == (200, "ok\n"))
        #expect(try signer.get("/readyz").0 == 503, "not ready before a validator connects")
        #expect(try signer.get("/nope").0 == 404)
        #expect(try Self.raw(signer.port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            .hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(try Self.raw(signer.port, "hello\r\n\r\n").hasPrefix("HTTP/1.1 400 Bad Request\r\n"))

        let conn = try listener.accept(timeout: 30)
        var driver = ConsensusDriver(chainID: chain)
        _ = try driver.fetchPublicKey(conn)
        for height in Int64(1)...5 { try driver.runHeight(conn, height: height) }
        // One double-sign attempt and one request for another chain: both refused, connection kept.
        let fork = ConsensusDriver.vote(
            .precommit, height: 5, blockID: ConsensusDriver.blockID(height: 5, variant: "-x"))
        #expect(try Self.refused(conn.request(.signVoteRequest(fork, chainID: chain))))
        let other = ConsensusDriver.vote(.prevote, height: 6, blockID: ConsensusDriver.blockID(height: 6))
        #expect(try Self.refused(conn.request(.signVoteRequest(other, chainID: "other-chain"))))

        // The recorder hears of a request only after its reply is on the wire: wait for the last one.
        let lastRecorded = "sigil_refusals_total{chain_id=\"\(chain)\",reason=\"chain_id\"}"
        #expect(try eventually(timeout: 30) { try signer.scrape()[lastRecorded] == 1 })
        var m = try signer.scrape()
        for type in ["proposal", "prevote", "precommit"] {
            #expect(m["sigil_signatures_total{chain_id=\"\(chain)\",type=\"\(type)\"}"] == 5, "\(type)")
        }
        #expect(m["sigil_refusals_total{chain_id=\"\(chain)\",reason=\"double_sign\"}"] == 1)
        #expect(m["sigil_refusals_total{chain_id=\"\(chain)\",reason=\"chain_id\"}"] == 1)
        #expect(m["sigil_refusals_total{chain_id=\"\(chain)\",reason=\"disk\"}"] == 0)
        #expect(m["sigil_last_signed_height{chain_id=\"\(chain)\"}"] == 5)
        #expect(m["sigil_last_signed_round{chain_id=\"\(chain)\"}"] == 0)
        #expect(m["sigil_last_signed_step{chain_id=\"\(chain)\"}"] == 3, "precommit, numbered as in the log lines")
        #expect(m["sigil_validator_connected{\(v)}"] == 1)
        #expect(m["sigil_validator_connects_total{\(v)}"] == 1)
        #expect(m["sigil_validator_handshake_seconds_count{\(v)}"] == 1)
        #expect(m["sigil_sign_round_trip_seconds_count{\(v)}"] == 17, "15 signatures and 2 refusals")
        #expect(m["sigil_state_write_seconds_count{chain_id=\"\(chain)\"}"] == 15, "one durable write per signature")
        #expect((m["sigil_seconds_since_last_signature{chain_id=\"\(chain)\"}"] ?? 1e9) < 60)
        #expect(m["sigil_state_writable{chain_id=\"\(chain)\"}"] == 1)
        #expect(m["sigil_build_info{version=\"0.1.0\"}"] == 1)
        #expect(try signer.get("/readyz") == (200, "ready\n"))

        // The state directory disappears: the next signature is withheld and counted as a disk refusal.
        let stateDir = home.dir.path("state"), away = home.dir.path("state-away")
        try FileManager.default.moveItem(atPath: stateDir, toPath: away)
        #expect(try Self.refused(conn.request(.signVoteRequest(other, chainID: chain))))
        let disk = "sigil_refusals_total{chain_id=\"\(chain)\",reason=\"disk\"}"
        #expect(try eventually(timeout: 30) { try signer.scrape()[disk] == 1 })
        m = try signer.scrape()
        #expect(m["sigil_state_write_failures_total{chain_id=\"\(chain)\"}"] == 1)
        #expect(m["sigil_state_writable{chain_id=\"\(chain)\"}"] == 0)
        let (status, body) = try signer.get("/readyz")
        #expect(status == 503 && body.contains("chain \(chain): state not writable"), "\(body)")
        try FileManager.default.moveItem(atPath: away, toPath: stateDir)
        _ = try driver.signVote(conn, other)
        #expect(try eventually(timeout: 30) { try signer.get("/readyz").0 == 200 }, "ready again once a write succeeds")

        // The node goes away.
        conn.close()
        listener.close()
        #expect(try eventually(timeout: 30) { try signer.scrape()["sigil_validator_disconnects_total{\(v)}"] == 1 })
        #expect(try signer.scrape()["sigil_validator_connected{\(v)}"] == 0)
        let (s2, b2) = try signer.get("/readyz")
        #expect(s2 == 503 && b2.contains("chain \(chain): no validator connected"), "\(b2)")

        // --log-format json: every line one object with the text line's fields.
        let lines = signer.child.stderr.split(separator: "\n")
        #expect(lines.count > 10)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object.map { Set($0.keys) } == ["timestamp", "level", "target", "message"], "\(line)")
        }
        #expect(lines.contains { $0.contains("\"message\":\"[\(chain)@\(listener.address)] signed Prevote:") })
        #expect(lines.contains { $0.contains("attempted double sign") && $0.contains("\"level\":\"ERROR\"") })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") || Vectors.isCI))
    func scrapePassesPromtool() throws {
        let pair = try SigningPair()
        defer { pair.close() }
        try pair.driver.runHeight(pair.conn, height: 1)
        let (_, text) = try pair.signer.get("/metrics")
        let file = pair.home.dir.path("scrape.prom")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // Prometheus's own parser; its lint only asks for HELP lines, which swift-metrics cannot carry.
        let (status, out) = try run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \(file)"])
        let problems = out.split(separator: "\n").filter { !$0.contains("no help text") }
        #expect(status == 0 || problems.isEmpty, "promtool: \(out)")
        #expect(!out.contains("error while linting"), "promtool could not parse the scrape: \(out)")
    }

    @Test func refusesABusyPortInOneLine() throws {
        let home = try SignerEndToEndTests.Home()
        defer { home.dir.remove() }
        let busy = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { busy.close() }
        try home.writeConfig(addr: "tcp://127.0.0.1:9", extensions: false)
        let port = busy.address.split(separator: ":").last!
        try append(home.config, "\n[metrics]\naddr = \"127.0.0.1:\(port)\"\n")
        let sigil = try home.start()
        #expect(sigil.wait(timeout: 30) == 1, "\(sigil.output)")
        let errors = sigil.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1, "\(sigil.output)")
        #expect(errors.first?.hasPrefix("error: [metrics] addr = \"127.0.0.1:\(port)\": cannot listen: ") == true)
        #expect(errors.first?.contains("pick a free port or stop what holds it") == true)
    }

    /// Sends `request` as is and returns the whole answer.
    static func raw(_ port: Int, _ request: String) throws -> String {
        let socket = try Socket.connect(host: "127.0.0.1", port: UInt16(port), timeout: 10)
        defer { socket.close() }
        socket.setTimeouts(read: 10, write: 10)
        try socket.write(Array(request.utf8))
        var answer: [UInt8] = []
        while let bytes = try? socket.read(maxLength: 4096) { answer += bytes }
        return String(decoding: answer, as: UTF8.self)
    }

    static func refused(_ reply: PrivvalMessage) -> Bool {
        if case .signedVoteResponse(let vote, let error) = reply { return error != nil && vote.signature.isEmpty }
        return false
    }
}
