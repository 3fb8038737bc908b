import ArgumentParser
import Foundation
import Privval
import SignerConfig
import Sockets
import ValidatorPeer

/// Measures, never asserts. The signer runs as its own process (`sigil start`, exactly as in production) against
/// the validator-side peer in this process, so latency is what the node sees and CPU and memory are the signer's
/// alone. `--compare` runs any other signer that dials the same address in alternating rounds.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure sign latency, handshake, reconnect, CPU and memory of `sigil start` as a separate "
            + "process, optionally side by side with another signer.")

    @Option(help: "Heights per round (two votes each).") var heights: Int64 = 250
    @Option(help: "Rounds per signer; with --compare the signers alternate.") var rounds = 3
    @Option(help: "tcp (Secret Connection), unix or both.") var transport: BenchTransport = .both
    @Option(help: "Address the peer listens on and signers dial (tcp://HOST:PORT or unix:///PATH); needed by --compare.")
    var addr: String?
    @Option(help: "Shell command starting another signer that dials --addr (env: SIGIL_BENCH_ADDR, SIGIL_BENCH_CHAIN_ID).")
    var compare: String?
    @Option(help: "Chain id the peer asks for.") var chainID = "sigil-bench-1"
    @Option(help: "Seconds the peer stays down before it restarts, for the reconnect figure.") var downtime = 0.5
    @Option(help: ArgumentHelp(
        "Run the signer with this etcd state_backend (the inline table of a [[chain]], e.g. '{ type = \"etcd\", "
            + "endpoints = [\"https://127.0.0.1:2379\"], ca_file = ..., cert_file = ..., key_file = ... }'); the "
            + "record goes under PREFIX/bench-<time>-<pid>/ so no real chain's record is touched.",
        valueName: "inline-table"))
    var stateBackend: String?

    /// `--state-backend` parsed, with the bench's own key prefix.
    func backend() throws -> EtcdBackendConfig? {
        guard let stateBackend else { return nil }
        var b = try EtcdBackendConfig.parse(inline: stateBackend, label: "--state-backend")
        b.prefix += "/bench-\(Int(Date().timeIntervalSince1970))-\(getpid())"
        return b
    }

    func validate() throws {
        if compare != nil && addr == nil {
            throw ValidationError("--compare needs --addr: the other signer must be configured to dial a known address")
        }
        if let addr, !(addr.hasPrefix("tcp://") || addr.hasPrefix("unix://")) {
            throw ValidationError("--addr \(addr): expected tcp://HOST:PORT or unix:///PATH")
        }
        guard heights >= 1 else { throw ValidationError("--heights \(heights) measures nothing; give 1 or more") }
        guard rounds >= 1 else { throw ValidationError("--rounds \(rounds) measures nothing; give 1 or more") }
        _ = try backend()
    }

    func run() throws {
        let home = try DemoHome(chainID: chainID)
        defer { home.remove() }
        let backend = try backend()
        var height: Int64 = 0
        let addresses: [String?] = addr.map { [$0] } ?? transport.kinds.map { _ in nil }
        for (i, fixed) in addresses.enumerated() {
            let kind = fixed.map { $0.hasPrefix("unix://") ? BenchTransport.unix : .tcp } ?? transport.kinds[i]
            var peer = BenchPeer(kind: kind, address: fixed, home: home, chainID: chainID, downtime: downtime)
            try home.writeConfig(addr: try peer.resolveAddress(), stateBackend: backend)
            let sigil = SignerCommand(name: "sigil", argv: [Self.executable, "start", "-c", home.configPath])
            let signers = [sigil] + (compare.map { [SignerCommand(name: "other", argv: ["/bin/sh", "-c", $0])] } ?? [])
            var figures = Array(repeating: SignerFigures(), count: signers.count)
            for _ in 0..<rounds {
                for (j, signer) in signers.enumerated() {
                    try peer.round(signer, heights: heights, nextHeight: &height, into: &figures[j])
                }
            }
            print("\(kind.title) at \(peer.address ?? "?"), \(rounds) round(s) x \(heights * 2) votes per signer"
                + (signers.count > 1 ? ", alternating" : "")
                + (backend.map { ", state in etcd (\($0.endpoints.count) endpoint(s), key prefix \($0.prefix))" } ?? ""))
            print(BenchReport.table(zip(signers, figures).map { ($0.name, $1) }))
            print("")
        }
    }

    static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }
}

enum BenchTransport: String, ExpressibleByArgument, CaseIterable {
    case tcp, unix, both

    var kinds: [BenchTransport] { self == .both ? [.tcp, .unix] : [self] }
    var title: String { self == .unix ? "unix socket (plaintext)" : "tcp + Secret Connection" }
}

struct SignerCommand {
    let name: String
    let argv: [String]
}

/// The validator side for one transport: listens, lets a signer dial in, drives votes, restarts itself once per
/// round to time the reconnect.
struct BenchPeer {
    let kind: BenchTransport
    private(set) var address: String?
    let home: DemoHome
    let chainID: String
    let downtime: Double

    init(kind: BenchTransport, address: String?, home: DemoHome, chainID: String, downtime: Double) {
        self.kind = kind
        self.address = address
        self.home = home
        self.chainID = chainID
        self.downtime = downtime
    }

    /// Fixes the address: an ephemeral TCP port is bound once and kept for every round and restart.
    mutating func resolveAddress() throws -> String {
        if let address { return address }
        let first = try listen()
        first.close()
        return address!
    }

    private mutating func listen() throws -> ValidatorListener {
        let listener: ValidatorListener
        switch address {
        case let a? where a.hasPrefix("unix://"): listener = try ValidatorListener(unixPath: String(a.dropFirst(7)))
        case let a?:
            let hostPort = a.dropFirst(6)
            guard let colon = hostPort.lastIndex(of: ":"), let port = UInt16(hostPort[hostPort.index(after: colon)...]) else {
                throw BenchError("--addr \(a): expected tcp://HOST:PORT")
            }
            let host = hostPort[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            listener = try ValidatorListener(tcpHost: host, port: port)
        case nil where kind == .unix: listener = try ValidatorListener(unixPath: home.path("privval.sock"))
        case nil: listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        }
        address = listener.address
        return listener
    }

    mutating func round(_ signer: SignerCommand, heights: Int64, nextHeight: inout Int64,
                        into figures: inout SignerFigures) throws {
        var listener = try listen()
        defer { listener.close() }
        let process = try SignerProcess(
            argv: signer.argv, environment: ["SIGIL_BENCH_ADDR": address!, "SIGIL_BENCH_CHAIN_ID": chainID],
            logPath: home.path("\(signer.name).log"))
        defer { process.stop() }
        var conn = try accept(listener, process, signer)
        if kind == .tcp { figures.handshakes.append(conn.handshake.milliseconds) }
        var driver = ConsensusDriver(chainID: chainID)
        _ = try driver.fetchPublicKey(conn)

        let cpuBefore = process.cpuSeconds()
        for _ in 0..<heights {
            nextHeight += 1
            let block = ConsensusDriver.blockID(height: nextHeight)
            for type in [SignedMsgType.prevote, .precommit] {
                let vote = ConsensusDriver.vote(type, height: nextHeight, blockID: block)
                let started = ContinuousClock.now
                _ = try driver.signVote(conn, vote)
                figures.roundTrips.append((ContinuousClock.now - started).milliseconds)
            }
        }
        figures.cpuSeconds += process.cpuSeconds() - cpuBefore
        figures.signatures += Int(heights) * 2

        // The node restarts: the signer sees the connection drop, retries, and is timed from the moment the
        // new listener is up to a completed handshake.
        conn.close()
        listener.close()
        Thread.sleep(forTimeInterval: downtime)
        listener = try listen()
        let restarted = ContinuousClock.now
        conn = try accept(listener, process, signer)
        figures.reconnects.append((ContinuousClock.now - restarted).milliseconds)
        _ = try driver.fetchPublicKey(conn)
        conn.close()

        figures.peakRSSKB = max(figures.peakRSSKB, process.statusKB("VmHWM"))
        figures.anonKB = max(figures.anonKB, process.statusKB("RssAnon"))
    }

    private func accept(_ listener: ValidatorListener, _ process: SignerProcess, _ signer: SignerCommand) throws
        -> ValidatorConnection
    {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw BenchError("\(signer.name) signer (\(signer.argv.joined(separator: " "))) exited before dialing "
                    + "\(address!); its last output:\n\(process.logTail())")
            }
            do {
                return try listener.accept(timeout: 0.2, ioTimeout: 30)
            } catch let error as SocketError where error.code == .timedOut {
                continue
            }
        }
        throw BenchError("\(signer.name) signer (\(signer.argv.joined(separator: " "))) did not dial \(address!) within "
            + "30 s; its last output:\n\(process.logTail())")
    }
}

extension Duration {
    var milliseconds: Double {
        let (s, atto) = components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}
