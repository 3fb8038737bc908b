import ArgumentParser
import Etcd
import Privval
import Signer
import SignerConfig
import SignerState

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, raise, import or export a chain's double-sign state (only while no signer runs for that chain).",
        subcommands: [Show.self, Set.self, Import.self, Export.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the last signed height/round/step: of a state file, or of a chain in the config (its "
                + "state_file and, with an etcd state_backend, the etcd record).")
        @Argument(help: "The state file (CometBFT priv_validator_state.json or a TMKMS state file); without it, the chain's in the config.")
        var path: String?
        @OptionGroup var choice: ChainChoice

        func run() throws {
            guard let path else { return try showChain(try choice.chain()) }
            guard let (state, fromTmkms) = try StateFiles.read(path: path) else {
                throw ValidationError("no state file at \(path); check the path (a chain's `state_file` in the config)")
            }
            print("h/r/s \(state.hrs) (\(state.step))\(fromTmkms ? ", imported from a TMKMS file" : "")")
            print(StateFiles.render(state))
        }

        private func showChain(_ chain: ChainConfig) throws {
            if let (state, fromTmkms) = try StateFiles.read(path: chain.stateFile) {
                print("local \(chain.stateFile): h/r/s \(state.hrs) (\(state.step))"
                    + (fromTmkms ? ", imported from a TMKMS file" : ""))
                print(StateFiles.render(state))
            } else {
                print("local \(chain.stateFile): no state file yet")
            }
            guard let backend = chain.stateBackend else { return }
            let watermark = try EtcdWatermark(client: EtcdClient(config: backend), chainID: chain.id)
            guard let record = try watermark.read() else {
                return print("etcd \(watermark.record.key): no record yet (the first signature creates it)")
            }
            print("etcd \(watermark.record.key): h/r/s \(record.hrs) (\(record.step))")
            print(StateFiles.render(record))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise the watermark, e.g. after restoring an old backup: Sigil then refuses everything at or "
                + "below it. Lowering is refused.")
        @Argument(help: "The state file; without it, the chain's in the config (and its etcd record, if any).")
        var path: String?
        @OptionGroup var choice: ChainChoice
        @Option(help: "Height to record as signed.") var height: Int64
        @Option(help: "Round.") var round: Int32 = 0
        @Option(help: "Step: 1 proposal, 2 prevote, 3 precommit (CometBFT numbering, as in Sigil's log lines).")
        var step: Int8 = 3

        func validate() throws {
            guard height >= 0 else { throw ValidationError("--height \(height) is negative; heights start at 0") }
            guard round >= 0 else { throw ValidationError("--round \(round) is negative; rounds start at 0") }
            guard let s = SignStep(rawValue: step), s != .none else {
                throw ValidationError("--step \(step) is not a step; use 1 (proposal), 2 (prevote) or 3 (precommit)")
            }
        }

        func run() throws {
            let s = SignStep(rawValue: step)!
            let new = LastSignState(height: height, round: round, step: s)
            guard let path else { return try raiseChain(try choice.chain(), to: new) }
            try raiseFile(path, to: new)
        }

        private func raiseFile(_ path: String, to new: LastSignState) throws {
            if let (old, _) = try StateFiles.read(path: path), !new.isAhead(of: old) {
                throw ValidationError("refusing to lower or repeat the state of \(path): it is at h/r/s \(old.hrs) "
                    + "(\(old.step)), the new value \(new.hrs) (\(new.step)) is not above it")
            }
            try StateFiles.write(new, path: path)
            print("\(path) now at h/r/s \(new.hrs) (\(new.step)); nothing at or below it will be signed")
        }

        /// With an etcd backend the shared record is raised with the signers' own Txn (safe while they run);
        /// the local state file follows when no signer holds it.
        private func raiseChain(_ chain: ChainConfig, to new: LastSignState) throws {
            guard let backend = chain.stateBackend else { return try raiseFile(chain.stateFile, to: new) }
            let watermark = try EtcdWatermark(client: EtcdClient(config: backend), chainID: chain.id)
            switch try watermark.raise(to: new) {
            case .unchanged(let old):
                throw ValidationError("refusing to lower or repeat the etcd record \(watermark.record.key): it is at "
                    + "h/r/s \(old.hrs) (\(old.step)), the new value \(new.hrs) (\(new.step)) is not above it")
            case .raised(let old):
                print("etcd \(watermark.record.key) raised from \(old.map { "h/r/s \($0.hrs)" } ?? "nothing") to "
                    + "h/r/s \(new.hrs) (\(new.step)); no signer using it will sign at or below it")
            }
            if let holder = StateFiles.lockHolder(path: chain.stateFile) {
                return print("\(chain.stateFile) left as it is: the signer running here (pid \(holder)) raises it "
                    + "at its next signature")
            }
            if let (old, _) = try StateFiles.read(path: chain.stateFile), !new.isAhead(of: old) { return }
            try StateFiles.write(new, path: chain.stateFile)
            print("\(chain.stateFile) now at h/r/s \(new.hrs) (\(new.step))")
        }
    }

    /// Picks the `[[chain]]` a state command works on: `--chain-id`, or the config's only chain.
    struct ChainChoice: ParsableArguments {
        @Option(name: [.short, .customLong("config")], help: "Config file (default: $TMKMS_CONFIG_FILE, then ./tmkms.toml).")
        var config: String?
        @Option(help: "The [[chain]] id; needed only when the config has several.") var chainId: String?

        func chain() throws -> ChainConfig {
            guard let path = ConfigLocator.find(explicit: config) else { throw ConfigLocator.notFound(explicit: config) }
            let chains = try SignerConfig.load(path: path).chains
            if let chainId {
                guard let chain = chains.first(where: { $0.id == chainId }) else {
                    throw ValidationError("--chain-id \(chainId): \(path) has no [[chain]] with that id (it has "
                        + chains.map(\.id).joined(separator: ", ") + ")")
                }
                return chain
            }
            guard chains.count == 1 else {
                throw ValidationError("\(path) has \(chains.count) chains (\(chains.map(\.id).joined(separator: ", "))): "
                    + "pass --chain-id")
            }
            return chains[0]
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carry another signer's watermark over: raise the chain's state_file to the one in FILE "
                + "(tmkms, CometBFT or horcrux format). Never lowers it.")
        @Argument(help: "The old signer's state file, e.g. tmkms's state/<chain>-consensus.json.") var file: String
        @OptionGroup var choice: ChainChoice

        func run() throws {
            let chain = try choice.chain()
            switch try StateFiles.importState(from: file, into: chain.stateFile) {
            case .unchanged(let state):
                print("\(chain.stateFile) is already at h/r/s \(state.hrs); nothing to do")
            case .raised(let old, let new):
                print("\(chain.stateFile) raised from \(old.map { "h/r/s \($0.hrs)" } ?? "nothing") to h/r/s "
                    + "\(new.hrs) (\(new.step)); nothing at or below it will be signed")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the chain's watermark for another signer, e.g. to roll back to tmkms. Stop Sigil first.")
        @Option(help: "cometbft, tmkms or horcrux.") var format: StateExportFormat
        @Option(help: "Write here instead of standard output (never lowers a state already there).") var out: String?
        @OptionGroup var choice: ChainChoice

        func run() throws {
            let chain = try choice.chain()
            let state = try StateFiles.readStopped(path: chain.stateFile)
            let text = StateFiles.render(state, as: format, block: Self.block(of: state))
            guard let out else { return print(text, terminator: "") }
            try StateFiles.writeExport(text, of: state, to: out)
            print("wrote \(out) (\(format.rawValue)) at h/r/s \(state.hrs) from \(chain.stateFile)")
        }

        /// The block the last signature was for, read back from its canonical sign bytes.
        static func block(of state: LastSignState) -> SignedBlock {
            guard !state.signBytes.isEmpty else { return .unknown }
            let id: BlockID?
            if state.step == .propose {
                guard let p = try? CanonicalProposal(signBytes: state.signBytes) else { return .unknown }
                id = p.blockID
            } else {
                guard let v = try? CanonicalVote(signBytes: state.signBytes) else { return .unknown }
                id = v.blockID
            }
            guard let id, !id.isNil else { return .none }
            return .block(hash: id.hash, partsTotal: id.partSetHeader.total, partsHash: id.partSetHeader.hash)
        }
    }
}

extension StateExportFormat: ExpressibleByArgument {}
