import CCurl
import Foundation
import Testing
@testable import Etcd

/// The JSON gateway's bodies and the strict readers of its answers. The answers marked "etcd 3.4.23" are what
/// the real server sent (scripts/etcd-cluster.sh, curl by hand); the others are the shapes a reader must refuse.
@Suite struct GatewayCodecTests {
    let key = "/t/k"  // base64 L3Qvaw==

    func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func expectUnexpected(_ what: String, _ body: () throws(EtcdError) -> Void) {
        do {
            try body()
            Issue.record("\(what): accepted")
        } catch {
            #expect(error.code == .unexpected, "\(what): \(error)")
            #expect(error.description.hasPrefix("etcd answered unexpectedly: ") && !error.description.contains("\n"))
        }
    }

    @Test func rangeRequestIsTheKeyInBase64() {
        #expect(String(decoding: GatewayCodec.rangeRequest(key: key), as: UTF8.self) == #"{"key":"L3Qvaw=="}"#)
    }

    @Test func createComparesVersionZeroAndUpdateComparesModRevision() throws {
        let create = try json(GatewayCodec.txnRequest(key: key, expected: nil, value: Array("one".utf8)))
        let c = try #require((create["compare"] as? [[String: Any]])?.first)
        #expect(c["key"] as? String == "L3Qvaw==" && c["target"] as? String == "VERSION")
        #expect(c["result"] as? String == "EQUAL" && c["version"] as? String == "0" && c["mod_revision"] == nil)
        let put = try #require(((create["success"] as? [[String: Any]])?.first?["request_put"]) as? [String: Any])
        #expect(put["key"] as? String == "L3Qvaw==" && put["value"] as? String == "b25l")
        let range = try #require(((create["failure"] as? [[String: Any]])?.first?["request_range"]) as? [String: Any])
        #expect(range["key"] as? String == "L3Qvaw==")

        let update = try json(GatewayCodec.txnRequest(key: key, expected: 7, value: [0, 255]))
        let u = try #require((update["compare"] as? [[String: Any]])?.first)
        #expect(u["target"] as? String == "MOD" && u["mod_revision"] as? String == "7" && u["version"] == nil)
        let value = ((update["success"] as? [[String: Any]])?.first?["request_put"] as? [String: Any])?["value"]
        #expect(value as? String == "AP8=")
    }

    @Test func rangeAnswers() throws {
        // etcd 3.4.23
        let found = #"{"header":{"cluster_id":"7111080482584732454","member_id":"16404328762625080045","revision":"3","raft_term":"2"},"kvs":[{"key":"L3Qvaw==","create_revision":"2","mod_revision":"3","version":"2","value":"b25l"}],"count":"1"}"#
        let kv = try #require(try GatewayCodec.parseRange(Array(found.utf8), key: key))
        #expect(kv.value == Array("one".utf8) && kv.modRevision == 3)
        // etcd 3.4.23: a missing key leaves out kvs and count.
        let missing = #"{"header":{"cluster_id":"7111080482584732454","member_id":"16404328762625080045","revision":"1","raft_term":"2"}}"#
        #expect(try GatewayCodec.parseRange(Array(missing.utf8), key: key) == nil)
        // An empty value is left out too.
        let empty = #"{"header":{"revision":"4"},"kvs":[{"key":"L3Qvaw==","mod_revision":"4"}]}"#
        #expect(try GatewayCodec.parseRange(Array(empty.utf8), key: key)?.value == [])
    }

    @Test func rangeAnswersThatAreRefused() {
        let refused: [(String, String)] = [
            ("no header", #"{"kvs":[{"key":"L3Qvaw==","mod_revision":"3","value":"b25l"}]}"#),
            ("header without revision", #"{"header":{"cluster_id":"1"}}"#),
            ("another key", #"{"header":{"revision":"3"},"kvs":[{"key":"L290aGVy","mod_revision":"3","value":"b25l"}]}"#),
            ("two keys", #"{"header":{"revision":"3"},"kvs":[{"key":"L3Qvaw==","mod_revision":"3"},{"key":"L3Qvaw==","mod_revision":"3"}]}"#),
            ("no mod revision", #"{"header":{"revision":"3"},"kvs":[{"key":"L3Qvaw==","value":"b25l"}]}"#),
            ("value not base64", #"{"header":{"revision":"3"},"kvs":[{"key":"L3Qvaw==","mod_revision":"3","value":"!!"}]}"#),
            ("revision as a number", #"{"header":{"revision":3}}"#),
            ("garbage", "<html>bad gateway</html>"),
            // etcd 3.4.23's shape for an error (sent with a non-200 status; never a range answer).
            ("error body", #"{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}"#),
            ("empty", ""),
        ]
        for (what, body) in refused {
            expectUnexpected(what) { () throws(EtcdError) in _ = try GatewayCodec.parseRange(Array(body.utf8), key: key) }
        }
    }

    @Test func txnWonAndLost() throws {
        // etcd 3.4.23
        let won = #"{"header":{"cluster_id":"7111080482584732454","member_id":"16404328762625080045","revision":"2","raft_term":"2"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"2"}}}]}"#
        guard case .won(let revision) = try GatewayCodec.parseTxn(Array(won.utf8), key: key) else {
            Issue.record("a succeeded Txn is a win")
            return
        }
        #expect(revision == 2)
        // etcd 3.4.23: `succeeded: false` is left out.
        let lost = #"{"header":{"cluster_id":"7111080482584732454","member_id":"16404328762625080045","revision":"3","raft_term":"2"},"responses":[{"response_range":{"header":{"revision":"3"},"kvs":[{"key":"L3Qvaw==","create_revision":"2","mod_revision":"3","version":"2","value":"b25l"}],"count":"1"}}]}"#
        guard case .lost(let winner?) = try GatewayCodec.parseTxn(Array(lost.utf8), key: key) else {
            Issue.record("a failed Txn with the key is a loss carrying it")
            return
        }
        #expect(winner.value == Array("one".utf8) && winner.modRevision == 3)
        // Lost because the key was deleted: the range is empty.
        let deleted = #"{"header":{"revision":"5"},"responses":[{"response_range":{"header":{"revision":"5"}}}]}"#
        guard case .lost(nil) = try GatewayCodec.parseTxn(Array(deleted.utf8), key: key) else {
            Issue.record("a failed Txn on a deleted key is a loss without a winner")
            return
        }
    }

    @Test func txnAnswersThatAreNeverAWin() {
        let refused: [(String, String)] = [
            ("succeeded without header", #"{"succeeded":true,"responses":[{"response_put":{"header":{"revision":"2"}}}]}"#),
            ("succeeded at revision 0", #"{"header":{"revision":"0"},"succeeded":true,"responses":[{"response_put":{}}]}"#),
            ("succeeded without its put", #"{"header":{"revision":"2"},"succeeded":true}"#),
            ("succeeded with a range", #"{"header":{"revision":"2"},"succeeded":true,"responses":[{"response_range":{}}]}"#),
            ("no succeeded and no range", #"{"header":{"revision":"2"}}"#),
            ("no succeeded, empty responses", #"{"header":{"revision":"2"},"responses":[]}"#),
            ("lost with a put", #"{"header":{"revision":"2"},"responses":[{"response_put":{}}]}"#),
            ("lost with two ranges", #"{"header":{"revision":"2"},"responses":[{"response_range":{}},{"response_range":{}}]}"#),
            ("lost without header", #"{"responses":[{"response_range":{"kvs":[{"key":"L3Qvaw==","mod_revision":"3"}]}}]}"#),
            ("succeeded as a string", #"{"header":{"revision":"2"},"succeeded":"true","responses":[{"response_put":{}}]}"#),
            ("garbage", "not json"),
            ("error body", #"{"error":"etcdserver: no leader","message":"etcdserver: no leader","code":14}"#),
        ]
        for (what, body) in refused {
            expectUnexpected(what) { () throws(EtcdError) in _ = try GatewayCodec.parseTxn(Array(body.utf8), key: key) }
        }
    }

    @Test func nonOKAnswersAreOneLine() {
        // etcd 3.4.23: the gateway when it cannot reach its own member (HTTP 503), and an unknown path.
        let e = GatewayCodec.failure(status: 503, body: Array(#"{"error":"connection closed","message":"connection closed","code":14}"#.utf8))
        #expect(e == "HTTP 503 (connection closed, gRPC code 14)")
        #expect(GatewayCodec.failure(status: 404, body: Array("Not Found\n".utf8)) == "HTTP 404 (body begins \"Not Found?\")")
    }

    @Test func curlFailuresNameTheConfigKey() {
        // libcurl 7.88 with OpenSSL 3.0, as seen against etcd 3.4.23.
        let alert = "OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000412:SSL routines::sslv3 alert bad certificate, errno 0"
        #expect(CurlFailure.phrase(CURLE_RECV_ERROR, alert, timeoutMs: 300) == "TLS handshake failed "
            + "(SSLV3_ALERT_BAD_CERTIFICATE): etcd refused Sigil's client certificate (cert_file, key_file; etcd's "
            + "--trusted-ca-file must have signed it)")
        #expect(!CurlFailure.closedAfterHandshake(CURLE_RECV_ERROR, alert))
        #expect(CurlFailure.closedAfterHandshake(CURLE_SEND_ERROR, "Send failure: Connection reset by peer"))
        #expect(CurlFailure.phrase(CURLE_PEER_FAILED_VERIFICATION, "SSL certificate problem: unable to get local "
            + "issuer certificate", timeoutMs: 300).hasPrefix("TLS handshake failed (CERTIFICATE_VERIFY_FAILED): "
            + "the member's certificate does not verify against ca_file"))
        #expect(CurlFailure.phrase(CURLE_OPERATION_TIMEDOUT, "Operation timed out after 300 milliseconds",
                                   timeoutMs: 300) == "no answer within 300 ms")
        #expect(CurlFailure.phrase(CURLE_SSL_CACERT_BADFILE, "error setting certificate file: /x/ca.pem\n",
                                   timeoutMs: 300) == "cannot use ca_file (error setting certificate file: /x/ca.pem)")
    }
}
