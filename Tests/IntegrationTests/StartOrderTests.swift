import Foundation
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
        let signer = try home.start()
        defer { signer.kill(SIGTERM) }

        // Long enough for an unbounded backoff to have grown past the node's window.
        let failedDials = 10
        #expect(signer.waitForOutput(timeout: 60) { Self.count("ERROR", in: $0) >= failedDials },
                "the signer keeps dialing the absent node: \(signer.output)")

        let gaps = Self.gapsBetweenFailedDials(signer.output)
        // 1 s at most between dials, plus the dial itself and scheduling on a loaded machine; 5 s (the old cap)
        // would fail this.
        #expect(gaps.count >= failedDials - 1 && gaps.allSatisfy { $0 < 2.5 }, "\(gaps)")

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

    /// Seconds between consecutive ERROR lines, from their log timestamps.
    static func gapsBetweenFailedDials(_ log: String) -> [Double] {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let times = log.split(separator: "\n").filter { $0.contains(" ERROR ") }.compactMap {
            parser.date(from: String($0.prefix { $0 != " " }))
        }
        return zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
