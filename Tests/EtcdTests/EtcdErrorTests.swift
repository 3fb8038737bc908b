@testable import Etcd
import Testing

@Suite struct EtcdErrorTests {
    /// A wrong ca_file fails every member the same way: one phrase for all of them, not one per member.
    @Test func endpointsThatFailedAlikeShareOnePhrase() {
        let tls = "TLS handshake failed (CERTIFICATE_VERIFY_FAILED): the member's certificate does not verify"
        let error = EtcdError.unavailable(
            [("https://a:2379", tls), ("https://b:2379", "no answer within 300 ms"), ("https://c:2379", tls)],
            seconds: 0.61)
        #expect(error.description == "etcd unreachable: no endpoint answered (https://a:2379, https://c:2379: \(tls); "
            + "https://b:2379: no answer within 300 ms) after 610 ms; nothing was signed; check that a quorum of etcd "
            + "members is up and reachable")
    }
}
