import ArgumentParser
import Foundation
import KeyFormats
import Logging
import Privval
import SigilCrypto
import Signer
import ValidatorPeer

/// Sigil's main job on an embedded default: keys in a temporary directory, a validator-side peer on
/// loopback playing CometBFT's consensus loop, and the production signer (`sigil start`'s code) signing
/// proposals, prevotes and precommits over Secret Connection.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local demo: a validator-side peer on loopback and Sigil signing real blocks.")

    @Option(help: "Heights to sign.") var heights: Int64 = 5
    @Option(help: "Chain id for the demo.") var chainID = "sigil-demo-1"
    @Flag(help: "Use a Unix socket (plaintext) instead of TCP with Secret Connection.") var unix = false

    func validate() throws {
        guard heights >= 1 else { throw ValidationError("--heights \(heights) signs nothing; give 1 or more") }
        guard !chainID.isEmpty, chainID.utf8.count <= 50 else {
            throw ValidationError("--chain-id is \(chainID.utf8.count) bytes; CometBFT chain ids are 1 to 50")
        }
    }

    func run() throws {
        LoggingSystem.bootstrapTMKMS()
        let home = try DemoHome(chainID: chainID)
        defer { home.remove() }
        let listener = unix ? try ValidatorListener(unixPath: home.path("privval.sock"))
                            : try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address)
        say("validator: listening on \(listener.address) (priv_validator_laddr), chain \(chainID)")

        let runtime = try SignerRuntime(configPath: home.configPath)
        runtime.start()
        defer { runtime.stop() }

        let conn = try listener.accept(timeout: 10)
        defer { runtime.stop(); conn.close() }
        if let peer = conn.signerPeerID { say("validator: signer connected over Secret Connection, peer ID \(peer)") }
        var driver = ConsensusDriver(chainID: chainID)
        let pk = try driver.fetchPublicKey(conn)
        say("validator: consensus key \(ConsensusPubKey(pk).bech32(hrp: "kiravalconspub"))")
        for height in Int64(1)...max(1, heights) {
            try driver.runHeight(conn, height: height, propose: true)
            say("validator: committed height \(height) (proposal, prevote and precommit signatures verified)")
        }
        say("demo: \(heights) heights signed; state in \(home.stateFile) was written before every signature")
    }

    private func say(_ line: String) {
        // Keep the peer's lines and Sigil's log lines in one ordered stream.
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
