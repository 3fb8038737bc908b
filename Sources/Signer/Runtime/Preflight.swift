import Etcd
import Foundation
import KeyFormats
import SigilCrypto
import SignerConfig
import SignerState
import Sockets
import TunnelGuard

/// `sigil check`: everything `sigil start` would depend on, tried without signing, dialing a session or
/// writing anything. Each check is one line: what was checked, and on failure what to do.
public struct Preflight {
    public struct Line: Hashable, Sendable {
        public let ok: Bool
        public let text: String
        public var rendered: String { (ok ? "ok   " : "FAIL ") + text }
    }

    public private(set) var lines: [Line] = []
    public var failures: Int { lines.filter { !$0.ok }.count }

    /// The error `sigil check` exits with, nil when every check passed.
    public var failed: SignerError? {
        failures == 0 ? nil : SignerError(code: .startup, reason: "\(failures) check(s) failed; fix them before `sigil start`")
    }

    /// Runs every check for the config at `configPath`. `processes` lists (pid, comm) of this host's processes.
    public init(configPath: String, processes: [(pid: Int32, name: String)] = Preflight.processes(),
                reachTimeout: Double = 3) {
        let config: SignerConfig
        do {
            config = try SignerConfig.parse(
                try String(contentsOfFile: configPath, encoding: .utf8), file: configPath)
        } catch let error as ConfigError {
            fail("config \(configPath): \(error)")
            return
        } catch {
            fail("config \(configPath): cannot read it (\(error.localizedDescription)); check the path or pass -c")
            return
        }
        ok("config \(configPath): \(config.chains.count) chain(s), \(config.validators.count) validator(s)")
        for w in config.warnings { ok("config note: \(w)") }
        checkKeys(config, configPath: configPath)
        for chain in config.chains { checkState(chain, configPath: configPath) }
        for chain in config.chains { if let backend = chain.stateBackend { checkEtcd(chain, backend) } }
        checkOldSigners(processes)
        for v in config.validators { checkValidator(v, timeout: reachTimeout) }
    }

    /// One read of the chain's etcd record, over the same client `sigil start` uses (TLS, deadline, failover).
    private mutating func checkEtcd(_ chain: ChainConfig, _ backend: EtcdBackendConfig) {
        do {
            let watermark = EtcdWatermark(client: try EtcdClient(config: backend), chainID: chain.id)
            let record = try watermark.read()
            ok("chain \(chain.id): etcd answers (\(backend.endpoints.count) endpoint(s)); record "
                + "\(watermark.record.key) " + (record.map { "at h/r/s \($0.hrs)" } ?? "not created yet"))
        } catch {
            fail("chain \(chain.id): \(error)")
        }
    }

    private mutating func ok(_ text: String) { lines.append(Line(ok: true, text: text)) }
    private mutating func fail(_ text: String) { lines.append(Line(ok: false, text: text)) }

    private mutating func checkKeys(_ config: SignerConfig, configPath: String) {
        do {
            try config.checkFiles(file: configPath)
            ok("key files exist and are private (mode 600)")
        } catch {
            fail("\(error)")
        }
        for chain in config.chains {
            do {
                let key = try SignerRuntime.consensusKey(for: chain, in: config).publicKey
                let pub = ConsensusPubKey(key)
                ok("chain \(chain.id) consensus key as configured (key_format): \(chain.format(key))")
                if case .bech32(_, let prefix) = chain.keyFormat { ok("  bech32:       \(pub.bech32(hrp: prefix))") }
                ok("  show-validator (cosmos-sdk JSON): \(pub.cosmosJSON)")
                ok("  hex:          \(pub.hex)")
                ok("  base64:       \(pub.base64)")
                ok("  address:      \(pub.addressHex) (the node's validator address)")
            } catch {
                fail("chain \(chain.id) consensus key: \(error)")
            }
        }
    }

    private mutating func checkState(_ chain: ChainConfig, configPath: String) {
        let path = chain.stateFile
        if let pid = StateFiles.lockHolder(path: path) {
            fail("chain \(chain.id): a signer is running (pid \(pid) holds \(path).lock); stop it before starting "
                + "another")
        }
        do {
            if let (state, fromTmkms) = try StateFiles.read(path: path) {
                ok("chain \(chain.id) state \(path): h/r/s \(state.hrs) (\(state.step))"
                    + (fromTmkms ? ", a tmkms file: Sigil rewrites it in CometBFT's format at the first signature" : ""))
            } else {
                ok("chain \(chain.id) state \(path): none yet (a new validator starts from height 0)")
            }
            if let note = try EmptyStateCheck.run(chain: chain, configPath: configPath, accept: false) { ok(note) }
        } catch {
            fail("chain \(chain.id): \(error)")
        }
    }

    private mutating func checkOldSigners(_ processes: [(pid: Int32, name: String)]) {
        let old = processes.filter { $0.name == "tmkms" }
        if old.isEmpty {
            ok("no tmkms process on this host (a signer on another machine cannot be seen from here)")
        } else {
            fail("tmkms is running on this host (pid \(old.map { "\($0.pid)" }.joined(separator: ", "))): stop it and "
                + "keep it from restarting (systemctl disable --now tmkms, or docker update --restart=no and docker "
                + "stop its container) before starting Sigil")
        }
    }

    private mutating func checkValidator(_ v: ValidatorConfig, timeout: Double) {
        let name = "[[validator]] \(v.addr) (line \(v.line))"
        guard case .tcp(_, let host, let port) = v.addr else {
            if case .unix(let path) = v.addr {
                FileManager.default.fileExists(atPath: path)
                    ? ok("\(name): socket exists") : fail("\(name): no socket at \(path) yet; start the node first")
            }
            return
        }
        var bindAddress: IPAddress?, bindDevice: String?
        if let tunnel = v.tunnel {
            guard let destination = IPAddress(host) else {
                return fail("\(name): tunnel = \"\(tunnel)\" needs an IP address in addr, got `\(host)`")
            }
            do {
                let route = try TunnelGuard.check(interface: tunnel, destination: destination)
                ok("\(name): tunnel guard passes (from \(route.sourceAddress) on \(route.device))")
                (bindAddress, bindDevice) = (route.sourceAddress, route.device)
            } catch {
                return fail("\(name): \(error)")
            }
        }
        do {
            let socket = try Socket.connect(host: host, port: port, timeout: timeout, bindAddress: bindAddress,
                                            bindDevice: bindDevice)
            socket.close()
            ok("\(name): the node accepts TCP connections")
        } catch {
            fail("\(name): \(error); start the node (priv_validator_laddr = \"tcp://\(host):\(port)\") or fix addr")
        }
    }

    /// (pid, comm) of every live process visible in /proc (containers' processes included, seen from the host).
    public static func processes() -> [(pid: Int32, name: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                  let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // A zombie has exited already; only its exit status is left for its parent.
            guard stat[close...].dropFirst(2).first != "Z" else { return nil }
            return (pid, comm.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
