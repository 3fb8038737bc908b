import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport
@testable import Etcd
import SignerConfig
import SignerState

/// The client and the watermark against a real single-member etcd with TLS and client certificates
/// (scripts/etcd-cluster.sh: openssl CA, member and client certs). No mock anywhere.
@Suite(.serialized)
final class EtcdClientTests {
    let cluster: EtcdCluster

    init() throws { cluster = try EtcdCluster(members: 1) }
    deinit { cluster.stop() }

    /// Generous for the functional tests (a loaded CI machine fsyncs slowly); the failover tests set 300.
    func config(endpoints: [String]? = nil, timeoutMs: Int = 3000, ca: String? = nil, cert: String? = nil,
                key: String? = nil, prefix: String = "/sigil") throws -> EtcdBackendConfig {
        let urls = (endpoints ?? cluster.endpoints).map { "\"\($0)\"" }.joined(separator: ", ")
        return try EtcdBackendConfig.parse(
            inline: "{ type = \"etcd\", endpoints = [\(urls)], prefix = \"\(prefix)\", ca_file = \"\(ca ?? cluster.caFile)\", "
                + "cert_file = \"\(cert ?? cluster.certFile)\", key_file = \"\(key ?? cluster.keyFile)\", "
                + "timeout_ms = \(timeoutMs) }",
            label: "test")
    }

    @Test func txnWinsOnceAndALoserGetsTheWinner() throws {
        let client = try EtcdClient(config: config())
        let key = "/test/txn"
        #expect(try client.get(key) == nil)
        guard case .won(let rev1) = try client.compareAndPut(key, expected: nil, value: Array("one".utf8)) else {
            Issue.record("creating a missing key must win")
            return
        }
        // A second creator (version 0 compare) loses and learns the winner in the same round trip.
        guard case .lost(let current?) = try client.compareAndPut(key, expected: nil, value: Array("two".utf8)) else {
            Issue.record("a second create must lose")
            return
        }
        #expect(current.value == Array("one".utf8) && current.modRevision == rev1)
        guard case .won(let rev2) = try client.compareAndPut(key, expected: rev1, value: Array("three".utf8)) else {
            Issue.record("a put at the current revision must win")
            return
        }
        #expect(rev2 > rev1)
        guard case .lost(let winner?) = try client.compareAndPut(key, expected: rev1, value: Array("four".utf8)) else {
            Issue.record("a put at a stale revision must lose")
            return
        }
        #expect(winner.value == Array("three".utf8) && winner.modRevision == rev2)
        #expect(try cluster.get(key) == "three", "etcdctl sees the winner")
    }

    /// Two signers on one chain: one record, and the rules applied against it.
    @Test func twoWatermarksShareOneRecord() throws {
        let a = EtcdWatermark(client: try EtcdClient(config: config()), chainID: "share-1")
        let b = EtcdWatermark(client: try EtcdClient(config: config()), chainID: "share-1")
        let r1 = request(1, 0, .prevote, "A")
        let first = try a.sign(request: r1, local: .initial, signer: sig)
        #expect(!first.reused && first.record.height == 1)
        // b has never read the record: it reads it and gets the stored signature back.
        let again = try b.sign(request: r1, local: .initial, signer: { _ in Issue.record("must not sign again"); return [] })
        #expect(again.reused && again.signature == first.signature)
        // a conflicting request at the same HRS from b is refused.
        #expect(throws: Refusal.self) { try b.sign(request: request(1, 0, .prevote, "B"), local: .initial, signer: sig) }
        // b moves the record on; a's cache is stale: its Txn loses, it re-decides against b's record and refuses.
        _ = try b.sign(request: request(1, 0, .precommit, "A"), local: .initial, signer: sig)
        do {
            _ = try a.sign(request: request(1, 0, .precommit, "B"), local: .initial, signer: sig)
            Issue.record("a conflicting precommit was signed after losing the race")
        } catch let refusal as Refusal {
            #expect(refusal.code == .conflictingData)
        }
        let stored = try #require(try cluster.get("/sigil/share-1/last_sign_state"))
        #expect(stored.contains("\"height\": \"1\"") && stored.contains("\"step\": 3"))
    }

    /// A Txn that applied but whose answer was lost: the retry finds this signer's own record and wins.
    @Test func ownRecordAfterLostAnswerIsAWin() throws {
        let w = EtcdWatermark(client: try EtcdClient(config: config()), chainID: "lost-1")
        _ = try w.sign(request: request(1, 0, .prevote, "A"), local: .initial, signer: sig)
        let next = request(1, 0, .precommit, "A")
        // What w's Txn would write, put by someone else (as if w's own Txn applied and the answer was lost).
        try cluster.put(w.record.key, String(decoding: SignStateRecord.encode(signed(next)), as: UTF8.self))
        let won = try w.sign(request: next, local: .initial, signer: sig)
        #expect(won.signature == signed(next).signature && won.record == signed(next))
    }

    /// A machine migrating from a single signer: its local state seeds the missing key, then decides.
    @Test func localStateSeedsAMissingRecord() throws {
        let w = EtcdWatermark(client: try EtcdClient(config: config()), chainID: "seed-1")
        let local = signed(request(100, 0, .precommit, "A"))
        #expect(throws: Refusal.self) { try w.sign(request: request(99, 0, .prevote, "B"), local: local, signer: sig) }
        #expect(try w.read() == local, "the refusal still raised the record to the local state")
        let won = try w.sign(request: request(101, 0, .prevote, "B"), local: local, signer: sig)
        let now = try w.read()
        #expect(won.record.height == 101 && now == won.record)
    }

    @Test func garbageRecordRefusesWithOneClearError() throws {
        let w = EtcdWatermark(client: try EtcdClient(config: config()), chainID: "garbage-1")
        try cluster.put(w.record.key, "{\"height\": \"oops\"}")
        do {
            _ = try w.sign(request: request(1, 0, .prevote, "A"), local: .initial, signer: sig)
            Issue.record("signed over a garbage record")
        } catch let error as EtcdError {
            #expect(error.code == .garbage)
            #expect(error.description.hasPrefix("etcd key /sigil/garbage-1/last_sign_state does not hold a sign state"))
        }
        // Fixed by the operator: the signer resumes by itself.
        try cluster.put(w.record.key, String(decoding: SignStateRecord.encode(.initial), as: UTF8.self))
        #expect(try !w.sign(request: request(1, 0, .prevote, "A"), local: .initial, signer: sig).reused)
    }

    /// The sign path calls the client from plain threads; its gRPC work must not need Swift's cooperative pool,
    /// which other code may have blocked (here: every pool thread parked on a semaphore).
    @Test func answersWhileEveryPoolThreadIsBlocked() throws {
        let client = try EtcdClient(config: config())
        let width = ProcessInfo.processInfo.activeProcessorCount
        let release = DispatchSemaphore(value: 0)
        let started = Counter()
        for _ in 0..<width + 2 {
            Task.detached {
                started.n.withLock { $0 += 1 }
                release.wait()
            }
        }
        defer { for _ in 0..<width + 2 { release.signal() } }
        // This test holds one pool thread itself; the parked tasks hold the others.
        #expect(eventually { started.n.withLock { $0 } >= max(width - 1, 1) }, "the pool was not filled")
        #expect(try client.get("/test/pool") == nil)
    }

    /// A member that accepts TCP but never answers costs one deadline, once: the next call starts at the member
    /// that answered.
    @Test func failsOverFromAHungEndpointWithinOneDeadline() throws {
        let hung = try HungListener()
        let attempts = Attempts()
        let client = try EtcdClient(
            config: config(endpoints: ["https://127.0.0.1:\(hung.port)"] + cluster.endpoints, timeoutMs: 300),
            observer: attempts)
        #expect(try client.get("/test/failover") == nil)
        let tried = attempts.names
        #expect(tried.count == 2 && tried[0].ok == false && tried[1].ok, "\(tried)")
        // The deadline fires at 300 ms; the rest is timer and scheduling slack on a loaded machine.
        #expect(tried[0].seconds >= 0.29 && tried[0].seconds < 0.8, "the hung endpoint cost \(tried[0].seconds) s")
        attempts.reset()
        _ = try client.get("/test/failover")
        #expect(attempts.names.map(\.endpoint) == [cluster.endpoints[0]], "the next call goes to the member that answered")
    }

    @Test func everyEndpointDeadIsOneErrorWithinTheBound() throws {
        let hung = try HungListener()
        let refused = try freePort()
        let client = try EtcdClient(config: config(
            endpoints: ["https://127.0.0.1:\(hung.port)", "https://127.0.0.1:\(refused)"], timeoutMs: 300))
        let started = ContinuousClock.now
        do {
            _ = try client.get("/test/dead")
            Issue.record("no endpoint answers, yet get succeeded")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.description.hasPrefix("etcd unreachable: no endpoint answered (https://127.0.0.1:\(hung.port): no answer within 300 ms; https://127.0.0.1:\(refused): "), "\(error)")
        }
        #expect(ContinuousClock.now - started < .milliseconds(2 * 300 + 1000), "gave up after \(ContinuousClock.now - started)")
    }

    @Test func wrongCAIsATLSError() throws {
        let other = try cluster.untrusted()
        let client = try EtcdClient(config: config(ca: other.ca))
        do {
            _ = try client.get("/test/ca")
            Issue.record("a server certificate from an untrusted CA was accepted")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.description.contains(": TLS handshake failed (CERTIFICATE_VERIFY_FAILED): the member's "
                + "certificate does not verify against ca_file"), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func wrongClientCertIsRefusedByEtcd() throws {
        let other = try cluster.untrusted()
        let client = try EtcdClient(config: config(cert: other.cert, key: other.key))
        do {
            _ = try client.get("/test/cert")
            Issue.record("etcd accepted a client certificate from an untrusted CA")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.description.contains(": TLS handshake failed (") && error.description.contains(
                "etcd refused Sigil's client certificate (cert_file, key_file"), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }
}

private let sig: @Sendable ([UInt8]) throws -> [UInt8] = { Array("sig:".utf8) + $0 }

final class Counter: Sendable {
    let n = Mutex(0)
}

/// Records each attempt the client makes.
final class Attempts: EtcdObserver {
    private let list = Mutex<[(endpoint: String, ok: Bool, seconds: Double)]>([])
    var names: [(endpoint: String, ok: Bool, seconds: Double)] { list.withLock { $0 } }
    func reset() { list.withLock { $0 = [] } }
    func attempted(_ operation: String, endpoint: String, seconds: Double, ok: Bool) {
        list.withLock { $0.append((endpoint, ok, seconds)) }
    }
    func failedOver(from: String) {}
}

/// A TCP listener that never accepts: connects succeed (the kernel's backlog), nothing is ever answered, like a
/// stopped or partitioned member.
final class HungListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

/// A loopback port nobody listens on (connections are refused).
func freePort() throws -> Int {
    let l = try HungListener()
    return l.port
}
