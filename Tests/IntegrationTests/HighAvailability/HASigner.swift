import Foundation
import Testing
import TestSupport
import ValidatorPeer

/// One signer "machine" of a high-availability pair: its own home (config, identity, local state file) with the
/// pair's shared consensus key and the etcd `state_backend`, dialing its own validator-side peers.
final class HASigner: @unchecked Sendable {
    static let chain = "ha-chain"
    let name: String
    let dir: TempDir
    let listeners: [ValidatorListener]
    private(set) var child: Child?
    var config: String { dir.path("tmkms.toml") }
    var stateFile: String { dir.path("state/\(Self.chain)-consensus.json") }
    var consensusKey: String { dir.path("secrets/consensus.key") }

    /// A home with `peers` validator listeners. `sharedKey`: the pair's consensus key file, copied in (0600);
    /// nil makes a new one (the first signer of a pair).
    init(_ name: String, peers: Int, backend: String, sharedKey: String?) throws {
        self.name = name
        dir = try TempDir("sigil-ha-\(name)")
        let (status, out) = try run(Built.sigil.path, ["init", dir.url.path, "-n", "kira"])
        guard status == 0 else { throw HAFailure("sigil init failed: \(out)") }
        let consensusKey = dir.path("secrets/consensus.key")
        if let sharedKey {
            let bytes = try #require(FileManager.default.contents(atPath: sharedKey))
            guard FileManager.default.createFile(atPath: consensusKey, contents: bytes,
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw HAFailure("cannot write \(consensusKey)")
            }
        } else {
            let (s, o) = try run(Built.sigil.path, ["softsign", "keygen", consensusKey])
            guard s == 0 else { throw HAFailure("softsign keygen failed: \(o)") }
        }
        listeners = try (0..<peers).map { _ in try ValidatorListener(tcpHost: "127.0.0.1", port: 0) }
        try writeConfig(backend: backend)
    }

    func writeConfig(backend: String) throws {
        var text = """
            [[chain]]
            id = "\(Self.chain)"
            key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
            state_file = "\(stateFile)"
            state_backend = \(backend)

            [[providers.softsign]]
            chain_ids = ["\(Self.chain)"]
            key_type = "consensus"
            path = "\(consensusKey)"

            """
        for listener in listeners {
            text += """

                [[validator]]
                chain_id = "\(Self.chain)"
                addr = "\(listener.address)"
                secret_key = "\(dir.path("secrets/kms-identity.key"))"
                protocol_version = "v0.37"
                reconnect = true

                """
        }
        try text.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Starts `sigil start` and returns one timed peer per listener once the signer has dialed each and served
    /// its public key. `ioTimeout` is the node's request timeout.
    @discardableResult
    func start(ioTimeout: Double = HAPeer.nodeTimeout) throws -> [HAPeer] {
        let sigil = try Child(Built.sigil, ["start", "-c", config])
        child = sigil
        return try listeners.enumerated().map { i, listener in
            let conn: ValidatorConnection
            do { conn = try listener.accept(timeout: 60, ioTimeout: ioTimeout) } catch {
                throw HAFailure("\(name) did not dial peer \(i): \(error)\n\(sigil.output)")
            }
            return try HAPeer(name: "\(name).\(i)", conn: conn)
        }
    }

    var output: String { child?.output ?? "" }

    func signal(_ signal: Int32) { child?.kill(signal) }

    /// SIGKILLs the signer and waits until it is gone.
    func kill() {
        child?.kill(SIGKILL)
        child?.wait()
    }

    func remove() {
        kill()
        for listener in listeners { listener.close() }
        dir.remove()
    }
}

struct HAFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
