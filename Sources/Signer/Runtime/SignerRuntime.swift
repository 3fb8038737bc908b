import Etcd
import Foundation
import KeyFormats
import Logging
import SecretConnection
import SigilCrypto
import SignerConfig
import SignerState

/// `sigil start`: loads the config, keys and per-chain state (each locked), then serves every `[[validator]]`
/// on its own thread. Several validators of one chain share one key and one `ChainState`.
public final class SignerRuntime: @unchecked Sendable {
    private let clients: [ValidatorClient]
    private let states: [ChainState]
    private let logger = Logger(label: "sigil::commands::start")
    private var threads: [Thread] = []
    private let done = DispatchGroup()
    private let failures = Atomic<[String]>([])
    private var stopSources: [any DispatchSourceSignal] = []

    public convenience init(configPath: String, acceptEmptyState: Bool = false) throws {
        try self.init(config: SignerConfig.load(path: configPath), configPath: configPath,
                      acceptEmptyState: acceptEmptyState)
    }

    /// `config` as loaded from `configPath` (which messages name). `acceptEmptyState`: start a chain whose state
    /// file is empty even when an older signer's state for it is found on this host (see `PriorState`).
    /// `recorder` is made once the chains' states are loaded (it gets each chain's starting state).
    public init(
        config: SignerConfig, configPath: String, acceptEmptyState: Bool = false,
        recorder makeRecorder: ([String: LastSignState]) throws -> any SignerRecorder = { _ in NoRecorder() }
    ) throws {
        logger.info("Sigil \(SigilVersion.string) starting up...")
        for w in config.warnings { logger.warning("\(w)") }
        let keyring = Logger(label: "sigil::keyring")
        let session = Logger(label: "sigil::session")
        var chains: [String: (Ed25519.PrivateKey, ChainState, ChainConfig)] = [:]
        for chain in config.chains {
            let key = try Self.consensusKey(for: chain, in: config)
            keyring.info("[keyring:softsign] added consensus Ed25519 key: \(chain.format(key.publicKey))")
            let looked = try EmptyStateCheck.run(chain: chain, configPath: configPath, accept: acceptEmptyState)
            if let looked { keyring.warning("\(looked)") }
            let (state, warnings) = try ChainState.open(chainID: chain.id, path: chain.stateFile)
            for w in warnings { keyring.warning("\(w)") }
            state.whenStateFileFails { error in
                let goesOn = "the journal beside it holds the state and signing goes on; fix the disk and the state "
                    + "file catches up at the next signature"
                keyring.warning("\(error.description); \(goesOn)")
            }
            chains[chain.id] = (key, state, chain)
        }
        states = chains.values.map { $0.1 }
        let recorder = try makeRecorder(chains.mapValues { $0.1.lastSigned })
        for (_, state, chain) in chains.values {
            guard let backend = chain.stateBackend else { continue }
            try Self.share(state, chain: chain, backend: backend, observer: recorder as? any EtcdObserver, log: keyring)
        }
        clients = try config.validators.map { v in
            guard let (key, state, chain) = chains[v.chainID] else {
                throw SignerError(code: .startup, reason: "[[validator]] \(v.addr) names chain `\(v.chainID)` with no [[chain]]")
            }
            let identity = try v.secretKey.map { try SoftsignKey.load($0) }
            let prefix = "[\(v.chainID)@\(v.addr)]"
            if let identity { session.info("\(prefix) KMS node ID: \(SecretConnection.peerID(of: identity.publicKey))") }
            let settings = PrivvalSettings(chain: chain, validator: v, file: configPath)
            session.info("\(prefix) \(settings.summary)")
            for w in settings.warnings { session.warning("\(prefix) \(w)") }
            let handler = RequestHandler(
                chainID: v.chainID, key: key, state: state, settings: settings, maxHeight: v.maxHeight,
                logger: session, logPrefix: prefix)
            return ValidatorClient(config: v, handler: handler, identity: identity, logger: session, recorder: recorder)
        }
    }

    /// Puts the chain's etcd record in front of its local state. An etcd that does not answer yet does not stop
    /// the start: requests are refused by reply until it does.
    static func share(
        _ state: ChainState, chain: ChainConfig, backend: EtcdBackendConfig, observer: (any EtcdObserver)?,
        log: Logger
    ) throws {
        let client = try EtcdClient(config: backend, observer: observer ?? NoEtcdObserver())
        let watermark = EtcdWatermark(client: client, chainID: chain.id)
        state.share(watermark)
        let endpoints = backend.endpoints.map(\.description).joined(separator: ", ")
        do {
            let at = try watermark.read().map { "h/r/s \($0.hrs)" }
                ?? "nothing yet: the first signature creates it from the local state"
            log.info("chain \(chain.id): double-sign record in etcd key \(watermark.record.key) (\(endpoints)) at \(at)")
        } catch {
            log.warning("chain \(chain.id): \(error); signing is refused until etcd answers")
        }
    }

    static func consensusKey(for chain: ChainConfig, in config: SignerConfig) throws -> Ed25519.PrivateKey {
        let providers = config.softsign.filter { $0.keyType == .consensus && $0.chainIDs.contains(chain.id) }
        guard let provider = providers.first else {
            throw SignerError(code: .startup, reason: "chain `\(chain.id)` has no consensus key: add a "
                + "[[providers.softsign]] with chain_ids = [\"\(chain.id)\"]")
        }
        switch provider.keyFormat {
        case .base64: return try SoftsignKey.load(provider.path)
        case .json: return try ValidatorKeyFile.load(provider.path).privateKey
        }
    }

    /// Starts one thread per validator and returns.
    public func start() {
        for client in clients {
            done.enter()
            let thread = Thread { [failures, done] in
                if let error = client.run() { failures.store(failures.load() + ["\(client.prefix) \(error)"]) }
                done.leave()
            }
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Serves until every client has ended (only with `reconnect = false` or `stop()`); throws if any ended in error.
    public func run() throws {
        start()
        done.wait()
        let f = failures.load()
        if !f.isEmpty {
            throw SignerError(code: .startup, reason: "validator connection ended: " + f.joined(separator: "; ")
                + " (reconnect = false in the config, so Sigil stops; set reconnect = true to keep dialing)")
        }
    }

    public func stop() {
        for client in clients { client.stop() }
    }

    /// SIGTERM or SIGINT (systemctl stop, docker stop, Ctrl-C): bring every state file level with its journal,
    /// then exit 0. Without this a stop would leave the file one signature behind, which is safe (loading takes
    /// the higher of the two) but not what an operator who copies the file after a stop expects.
    public func exitOnStopSignals() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                logger.info("received \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): writing the state files and stopping")
                stop()
                for state in states { state.closeForExit() }
                exit(0)
            }
            source.resume()
            stopSources.append(source)
        }
    }
}
