import Foundation
import Sockets
import Testing
import TestSupport
import ValidatorPeer

/// A CometBFT node waits 3 s (`defaultTimeoutAcceptSeconds`) for its signer and exits with `can't get pubkey`
/// otherwise. A signer started first and left waiting must still dial inside that window.
struct StartOrderTests {
    typealias Home = SignerEndToEndTests.Home

    @Test func signerStartedFirstConnectsInsideTheNodesThreeSecondWindow() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let (addr, port) = try Self.absentNode()
        try home.writeConfig(addr: addr, extensions: false)

        // A port that takes each dial and drops it before the handshake: every dial is seen, and fails.
        let dropper = try Listener.tcp(host: "127.0.0.1", port: port)
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }
        // Long enough for an unbounded backoff to have grown past the node's window.
        let failedDials = 10
        var dials: [ContinuousClock.Instant] = []
        while dials.count < failedDials {
            let socket = try dropper.accept(timeout: 30)
            dials.append(.now)
            socket.close()
        }
        dropper.close()
        let gaps = zip(dials, dials.dropFirst()).map { ($1 - $0) / .seconds(1) }
        // 0.25 s at most between dials, plus the dial itself and scheduling on a loaded machine; the node's
        // window is 3 s, and 5 s (an old cap) would fail this.
        #expect(gaps.allSatisfy { $0 < 2.5 }, "\(gaps)")
        // The same failure, dial after dial, is one log line (then one per 10 s), not one per dial.
        #expect(signer.waitForOutput(timeout: 10) { Self.count("ERROR", in: $0) >= 1 }, "\(signer.output)")
        #expect(Self.count("ERROR", in: signer.output) < failedDials / 2, "\(signer.output)")

        let node = try ValidatorListener(tcpHost: "127.0.0.1", port: port)
        defer { node.close() }
        let conn = try node.accept(timeout: 3)
        var driver = ConsensusDriver(chainID: home.chain)
        _ = try driver.fetchPublicKey(conn)
    }

    /// A loopback address with nothing listening on it yet: a node that is not up.
    static func absentNode() throws -> (addr: String, port: UInt16) {
        let probe = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { probe.close() }
        return (probe.address, UInt16(probe.address.split(separator: ":").last!)!)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
