import ArgumentParser
import SignerState

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or raise a chain's double-sign state file (only while no signer runs for that chain).",
        subcommands: [Show.self, Set.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the last signed height/round/step.")
        @Argument(help: "The state file (CometBFT priv_validator_state.json or a TMKMS state file).") var path: String

        func run() throws {
            guard let (state, fromTmkms) = try StateFiles.read(path: path) else {
                throw ValidationError("no state file at \(path)")
            }
            print("h/r/s \(state.hrs) (\(state.step))\(fromTmkms ? ", imported from a TMKMS file" : "")")
            print(StateFiles.render(state))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise the watermark, e.g. after restoring an old backup: Sigil then refuses everything at or "
                + "below it. Lowering is refused.")
        @Argument(help: "The state file.") var path: String
        @Option(help: "Height to record as signed.") var height: Int64
        @Option(help: "Round.") var round: Int32 = 0
        @Option(help: "Step: 1 proposal, 2 prevote, 3 precommit (CometBFT numbering, as in Sigil's log lines).")
        var step: Int8 = 3

        func run() throws {
            guard let s = SignStep(rawValue: step), s != .none else { throw ValidationError("--step must be 1, 2 or 3") }
            let new = LastSignState(height: height, round: round, step: s)
            if let (old, _) = try StateFiles.read(path: path),
               (old.height, old.round, old.step.rawValue) >= (new.height, new.round, new.step.rawValue) {
                throw ValidationError("refusing to lower or repeat the state of \(path): it is at h/r/s \(old.hrs) "
                    + "(\(old.step)), the new value \(new.hrs) (\(new.step)) is not above it")
            }
            try StateFiles.write(new, path: path)
            print("\(path) now at h/r/s \(new.hrs) (\(new.step)); nothing at or below it will be signed")
        }
    }
}
