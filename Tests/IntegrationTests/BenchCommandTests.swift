import Foundation
import Testing
import TestSupport

/// `sigil bench` as a smoke run: it starts `sigil start` as a separate process, and with `--compare` a second
/// signer process dialing the same address, and prints every figure. The figures themselves are never asserted.
struct BenchCommandTests {
    typealias Home = SignerEndToEndTests.Home

    static let rows = ["sign round trip p50", "sign round trip p90", "sign round trip p99", "sign round trip max",
                       "reconnect (median)", "CPU per signature", "peak RSS (VmHWM)", "anonymous (RssAnon)"]

    /// The numbers in a row, e.g. `[0.412, 0.480, 0.86]` for a compared row.
    static func values(_ output: Substring, _ row: String) -> [Double] {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(row) }) else { return [] }
        return line.dropFirst(row.count).split(separator: " ").compactMap { Double($0) }
    }

    /// 100 signatures: enough CPU time to show in /proc's 10 ms ticks on kernels without schedstat.
    @Test func measuresTheSignerProcessOverBothTransports() throws {
        let (status, out) = try run(Built.sigil.path, ["bench", "--heights", "50", "--rounds", "1", "--downtime", "0.1"])
        #expect(status == 0, "\(out)")
        let sections = out.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(sections.count == 2 && sections[0].hasPrefix("tcp + Secret Connection")
            && sections[1].hasPrefix("unix socket"), "\(out)")
        for section in sections {
            for row in Self.rows {
                let v = Self.values(Substring(section), row)
                #expect(v.count == 1 && v[0] > 0, "\(row) measured: \(section)")
            }
        }
        #expect(Self.values(Substring(sections[0]), "handshake (median)").first ?? 0 > 0, "TCP handshake timed: \(out)")
    }

    @Test func comparesWithAnotherSignerDialingTheSameAddress() throws {
        let other = try Home()
        defer { other.dir.remove() }
        let addr = "unix://\(other.dir.path("bench.sock"))"
        try other.writeConfig(addr: addr, extensions: false)
        let (status, out) = try run(Built.sigil.path, [
            "bench", "--heights", "10", "--rounds", "2", "--downtime", "0.1", "--chain-id", other.chain,
            "--addr", addr, "--compare", "'\(Built.sigil.path)' start -c '\(other.config)'",
        ])
        #expect(status == 0, "\(out)")
        #expect(out.contains("sigil/other") && out.contains("alternating"), "\(out)")
        for row in Self.rows {
            let v = Self.values(Substring(out), row)
            #expect(v.count == 3 && v.allSatisfy { $0 > 0 }, "\(row): sigil, other and their ratio: \(out)")
        }
        // Heights run on across rounds: sigil signs 1-10 and 21-30, the other signer 11-20 and 31-40.
        let (s2, shown) = try run(Built.sigil.path, ["state", "show", other.stateFile])
        #expect(s2 == 0 && shown.contains("h/r/s 40/0/3"), "the other signer really signed its rounds: \(shown)")
    }

    @Test func compareWithoutAnAddressIsRefused() throws {
        let (status, out) = try run(Built.sigil.path, ["bench", "--compare", "true"])
        #expect(status != 0 && out.contains("--compare needs --addr"), "\(out)")
    }
}
