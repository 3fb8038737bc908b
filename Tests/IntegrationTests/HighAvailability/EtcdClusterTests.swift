import Foundation
import Testing
import TestSupport

/// The harness the high-availability tests stand on (scripts/etcd-cluster.sh through `EtcdCluster`), checked with
/// etcdctl alone: a TLS cluster that only takes this CA's client certificates, a leader that can be found and
/// killed, quorum lost with two members down and back when one returns.
@Suite(.serialized)
struct EtcdClusterTests {
    @Test func tlsClusterSurvivesOneMemberAndStopsWithoutQuorum() throws {
        let cluster = try EtcdCluster()
        defer { cluster.stop() }
        #expect(cluster.endpoints.count == 3)
        #expect(cluster.endpoints.allSatisfy { $0.hasPrefix("https://127.0.0.1:") })
        for key in [cluster.keyFile, cluster.dir.path("member-1-key.pem")] {
            let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key) is \(String(mode ?? 0, radix: 8))")
        }
        try cluster.put("/sigil/t/last_sign_state", "one")
        #expect(try cluster.get("/sigil/t/last_sign_state") == "one")

        // Without a client certificate, or with one from another CA, the cluster answers nothing.
        let bare = try run("/usr/bin/etcdctl", ["--endpoints=\(cluster.endpoints[0])", "--cacert=\(cluster.caFile)",
                                                "--dial-timeout=2s", "--command-timeout=3s", "get", "/sigil/t/last_sign_state"],
                           environment: ["ETCDCTL_API": "3"])
        #expect(bare.0 != 0 && !bare.1.contains("one"), "no client certificate: \(bare.1)")
        let rogue = try cluster.untrusted()
        let (status, out) = try cluster.ctl(["--cert=\(rogue.cert)", "--key=\(rogue.key)", "get", "/sigil/t/last_sign_state"])
        #expect(status != 0 && !out.contains("one"), "a client certificate from another CA: \(out)")

        // The leader dies: another member leads and writes go on.
        var leader: Int?
        #expect(eventually(timeout: 30) { leader = try? cluster.leader(); return leader != nil })
        let first = try #require(leader)
        try cluster.kill(first)
        #expect(eventually(timeout: 30) { (try? cluster.leader()).map { $0 != first } ?? false },
                "no new leader after member \(first) died")
        try cluster.put("/sigil/t/last_sign_state", "two")

        // A second member dies: no quorum, the write fails; the member returns and writes work again.
        let second = first == 1 ? 2 : 1
        try cluster.kill(second)
        let (lost, lostOut) = try cluster.ctl(["put", "/sigil/t/last_sign_state", "three"])
        #expect(lost != 0, "a write without quorum succeeded: \(lostOut)")
        try cluster.restart(second)
        #expect(eventually(timeout: 30) { (try? cluster.put("/sigil/t/last_sign_state", "four")) != nil })
        #expect(try cluster.get("/sigil/t/last_sign_state") == "four")
        try cluster.restart(first)
        #expect(eventually(timeout: 30) { (try? cluster.leader()) != nil })
    }

    @Test func plainClusterServesHTTP() throws {
        let cluster = try EtcdCluster(members: 1, tls: false)
        defer { cluster.stop() }
        #expect(cluster.endpoints.count == 1 && cluster.endpoints[0].hasPrefix("http://127.0.0.1:"))
        try cluster.put("/k", "v")
        #expect(try cluster.get("/k") == "v")
        #expect(!cluster.stateBackend().contains("ca_file"))
    }
}
