import Foundation
import TestSupport
import Testing
import ValidatorPeer

/// compose/monitoring: the alert rules pass their promtool unit tests, the scrape config is valid, and every
/// metric the dashboard and the rules name is one a live `sigil start` exports.
@Suite(.serialized)
struct MonitoringTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("compose/monitoring")
    static var hasPromtool: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") }

    @Test(.enabled(if: hasPromtool || Vectors.isCI))
    func alertRulesPassTheirUnitTests() throws {
        let (status, out) = try run(
            "/bin/sh", ["-c", "cd \(Self.dir.path) && promtool test rules sigil-alerts.test.yml"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("SUCCESS"), "\(out)")
    }

    @Test(.enabled(if: hasPromtool || Vectors.isCI))
    func scrapeConfigIsValid() throws {
        let config = Self.dir.appendingPathComponent("prometheus.yml").path
        let (status, out) = try run("/usr/bin/promtool", ["check", "config", config])
        #expect(status == 0, "\(out)")
        #expect(out.contains("SUCCESS: 6 rules found"), "the config loads the alert rules: \(out)")
    }

    /// The signer has a connected validator and a second one behind `tunnel` (an interface that does not
    /// exist, so the guard refuses to dial it, but the tunnel metrics are still exported).
    @Test func everyMetricInTheDashboardAndRulesIsExported() throws {
        let pair = try SigningPair { home in
            """

            [[validator]]
            chain_id = "\(home.chain)"
            addr = "tcp://10.200.0.1:26659"
            secret_key = "\(home.dir.path("secrets/kms-identity.key"))"
            tunnel = "sigilnone0"

            """
        }
        defer { pair.close() }
        try pair.driver.runHeight(pair.conn, height: 1)

        let (_, text) = try pair.signer.get("/metrics")
        let exported = Exposition.names(text)
        #expect(Exposition.samples(text)["sigil_tunnel_up{interface=\"sigilnone0\"}"] == 0)
        let age = Exposition.samples(text)["sigil_tunnel_last_handshake_age_seconds{interface=\"sigilnone0\"}"]
        #expect(age == .infinity, "no device, no handshake: infinitely stale")

        let dashboard = try Self.text("grafana/sigil-dashboard.json")
        let json = try JSONSerialization.jsonObject(with: Data(dashboard.utf8)) as? [String: Any]
        let panels = json?["panels"] as? [[String: Any]] ?? []
        let exprs = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(exprs.count >= 20, "the dashboard's queries were found")
        let rules = try Self.text("sigil-alerts.yml")
        for (source, text) in [("dashboard", exprs.joined(separator: "\n")), ("alert rules", rules)] {
            let named = Set(text.matches(of: /sigil_[a-z0-9_]+/).map { String($0.output) })
            #expect(named.count >= 5, "\(source) names metrics")
            for name in named.sorted() {
                #expect(exported.contains(name), "\(source) uses \(name), which the signer does not export")
            }
        }
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(relative), encoding: .utf8)
    }
}
