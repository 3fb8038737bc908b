import ArgumentParser
import Foundation
import Logging
import Privval
import SigilCrypto
import Signer
import ValidatorPeer

/// Measures, never asserts: sign latency as the node sees it (request to reply over Secret Connection, including
/// the durable state write), the bare Ed25519 cost, and the process's memory.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure p50/p99 sign latency and memory against an embedded validator-side peer.")

    @Option(help: "Heights to sign (two votes each).") var heights: Int64 = 500
    @Flag(help: "Use a Unix socket instead of TCP with Secret Connection.") var unix = false

    func validate() throws {
        guard heights >= 1 else { throw ValidationError("--heights \(heights) measures nothing; give 1 or more") }
    }

    func run() throws {
        LoggingSystem.bootstrapTMKMS(level: .warning)
        let home = try DemoHome(chainID: "sigil-bench-1")
        defer { home.remove() }
        let listener = unix ? try ValidatorListener(unixPath: home.path("privval.sock"))
                            : try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address)
        let runtime = try SignerRuntime(configPath: home.configPath)
        runtime.start()
        let conn = try listener.accept(timeout: 10)
        defer { runtime.stop(); conn.close() }
        var driver = ConsensusDriver(chainID: home.chainID)
        _ = try driver.fetchPublicKey(conn)

        var roundTrips: [Double] = []
        for h in Int64(1)...heights {
            let block = ConsensusDriver.blockID(height: h)
            for type in [SignedMsgType.prevote, .precommit] {
                let vote = ConsensusDriver.vote(type, height: h, blockID: block)
                let start = DispatchTime.now()
                _ = try driver.signVote(conn, vote)
                roundTrips.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
            }
        }
        let key = Ed25519.PrivateKey.generate()
        let message = SignBytes.vote(ConsensusDriver.vote(.prevote, height: 1, blockID: ConsensusDriver.blockID(height: 1)),
                                     chainID: home.chainID)
        let signs: [Double] = (0..<2000).map { _ in
            let start = DispatchTime.now()
            _ = key.signature(for: message)
            return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        }
        print("transport        \(unix ? "unix socket (plaintext)" : "tcp + Secret Connection"), \(roundTrips.count) votes")
        print(Self.line("sign round trip", roundTrips) + "  (request to reply, incl. fsync of state)")
        print(Self.line("ed25519 sign", signs))
        print("memory           peak RSS \(Self.procStatus("VmHWM")), now \(Self.procStatus("VmRSS"))")
    }

    static func line(_ name: String, _ samples: [Double]) -> String {
        let s = samples.sorted()
        return name.padding(toLength: 17, withPad: " ", startingAt: 0)
            + String(format: "p50 %.3f ms  p99 %.3f ms  max %.3f ms", Tally.percentile(s, 0.5), Tally.percentile(s, 0.99), s.last ?? 0)
    }

    static func procStatus(_ field: String) -> String {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.map { $0.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }
}
