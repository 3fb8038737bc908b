import ArgumentParser
import Dispatch
import Foundation
import KeyFormats
import SignerConfig
import Sockets
import Synchronization
import ValidatorPeer

/// A validator stand-in for operators: listens where a node's `priv_validator_laddr` would, lets a signer dial in
/// and drives proposal, prevote and precommit per height, verifying every signature. It keeps nothing: no key,
/// no state file; heights follow the clock, so a restarted stand-in continues above what the signer has signed.
struct Testnode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play the validator side for a signer and verify every signature it returns (writes no state).")

    @Option(help: "Listen address, as a node's priv_validator_laddr: tcp://HOST:PORT or unix:///PATH.")
    var listen: String
    @Option(help: "Chain id to request signatures for (the signer's [[chain]] id).") var chainID: String
    @Option(help: "Stop after this many heights, signed or refused (0: run until stopped).") var heights: Int64 = 0
    @Option(help: "Seconds per height; heights are numbered unix time / block time.") var blockTime: Double = 1
    @Option(help: "Bech32 prefix for printing the signer's consensus key.") var keyPrefix = "kiravalconspub"

    func validate() throws {
        guard blockTime > 0, blockTime <= 60 else { throw ValidationError("--block-time \(blockTime): use 0 < seconds <= 60") }
        guard heights >= 0 else { throw ValidationError("--heights \(heights): use 0 (until stopped) or more") }
        guard !chainID.isEmpty else { throw ValidationError("--chain-id is empty: use the signer's [[chain]] id") }
    }

    func run() throws {
        let address: ValidatorAddress
        do { address = try ValidatorAddress(parsing: listen) } catch {
            throw CommandError("--listen \(listen): \(error)")
        }
        let listener = try listen(on: address)
        defer { listener.close() }
        let tally = Counts()
        let stop = Self.onStop { tally.withLock { $0 } }
        defer { stop.forEach { $0.cancel() } }
        say("testnode: listening on \(listener.address) for chain \(chainID) (no state is written)")

        var last: Int64 = 0
        while heights == 0 || tally.withLock({ $0.attempted }) < heights {
            let conn: ValidatorConnection
            do { conn = try listener.accept(timeout: 10) } catch let error as SocketError where error.code == .timedOut {
                continue
            } catch {
                // A port probe (`sigil check`, a scanner) or a failed handshake: keep listening, as a node does.
                say("testnode: connection dropped before the handshake completed: \(error)")
                continue
            }
            tally.withLock { $0.connected() }
            say("testnode: signer connected" + (conn.signerPeerID.map { ", peer ID \($0)" } ?? " (unix socket)"))
            do {
                try serve(conn, tally: tally, last: &last)
            } catch let failure as ConsensusDriver.Failure {
                conn.close()
                tally.withLock { $0.invalidSignature() }
                say("testnode: INVALID: \(failure.description)")
                break
            } catch {
                say("testnode: signer disconnected: \(error)")
            }
            conn.close()
        }
        let final = tally.withLock { $0 }
        say(final.summary)
        if !final.clean { throw ExitCode(1) }
    }

    /// Like a node bound to a tunnel address, waits while the address does not exist yet (the tunnel is not
    /// up); unlike sekaid it does not exit, so a container restart never replaces the namespace the tunnel joined.
    private func listen(on address: ValidatorAddress) throws -> ValidatorListener {
        switch address {
        case .tcp(let peer?, _, _): throw CommandError("--listen \(listen): a listen address has no peer ID `\(peer)@'")
        case .unix(let path): return try ValidatorListener(unixPath: path)
        case .tcp(nil, let host, let port):
            var waiting = false
            while true {
                do { return try ValidatorListener(tcpHost: host, port: port) } catch let error as SocketError
                    where error.code == .addressNotAvailable {
                    if !waiting { say("testnode: \(error); waiting for it to appear (is the tunnel up?)") }
                    waiting = true
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }
    }

    /// Drives heights over one connection until the wanted number is reached or the connection fails.
    private func serve(_ conn: ValidatorConnection, tally: Counts, last: inout Int64) throws {
        var driver = ConsensusDriver(chainID: chainID)
        let key = try driver.fetchPublicKey(conn)
        say("testnode: signer's consensus key \(ConsensusPubKey(key).bech32(hrp: keyPrefix))")
        while heights == 0 || tally.withLock({ $0.attempted }) < heights {
            let height = waitForHeight(after: last)
            last = height
            let block = ConsensusDriver.blockID(height: height)
            let started = DispatchTime.now()
            do {
                try timed(tally) { _ = try driver.signProposal(conn, height: height, blockID: block) }
                try timed(tally) { _ = try driver.signVote(conn, ConsensusDriver.vote(.prevote, height: height, blockID: block)) }
                try timed(tally) { _ = try driver.signVote(conn, ConsensusDriver.vote(.precommit, height: height, blockID: block)) }
            } catch let refused as ConsensusDriver.Refused {
                tally.withLock { $0.refusal() }
                say("testnode: height \(height) REFUSED by the signer: \(refused.description)")
                continue
            }
            tally.withLock { $0.committed(height) }
            say("testnode: height \(height) signed, proposal, prevote and precommit verified (\(Self.ms(since: started)))")
        }
    }

    private func timed(_ tally: Counts, _ body: () throws -> Void) throws {
        let started = DispatchTime.now()
        try body()
        let ms = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        tally.withLock { $0.verified(milliseconds: ms) }
    }

    /// The next height by the clock (unix time / block time), never at or below `last`; waits until it is due.
    private func waitForHeight(after last: Int64) -> Int64 {
        let now = Date().timeIntervalSince1970
        let height = max(Int64(now / blockTime), last + 1)
        let due = Double(height) * blockTime - now
        if due > 0 { Thread.sleep(forTimeInterval: due) }
        return height
    }

    private static func ms(since start: DispatchTime) -> String {
        String(format: "%.1f ms", Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
    }

    /// SIGTERM or SIGINT (a container stop, Ctrl-C) prints the summary and exits: 0 when everything verified.
    private static func onStop(_ tally: @escaping @Sendable () -> Tally) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let final = tally()
                FileHandle.standardOutput.write(Data((final.summary + "\n").utf8))
                Foundation.exit(final.clean ? 0 : 1)
            }
            source.resume()
            return source
        }
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The run's tally, shared with the signal handler that prints it.
private final class Counts: Sendable {
    private let tally = Mutex(Tally())
    func withLock<R: Sendable>(_ body: (inout Tally) -> R) -> R { tally.withLock { body(&$0) } }
}
