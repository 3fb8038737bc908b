import ArgumentParser
import Signer

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry run before `sigil start`: config, keys, the consensus key in every form, state, old signers, "
            + "tunnel guard and a TCP reach test to each validator. One line per check; exits 1 if any failed.")

    @Option(name: [.short, .customLong("config")], help: "Config file (default: $TMKMS_CONFIG_FILE, then ./tmkms.toml).")
    var config: String?

    @Option(help: "Seconds to wait for each validator's TCP port.") var timeout: Double = 3

    func run() throws {
        guard let path = ConfigLocator.find(explicit: config) else { throw ConfigLocator.notFound(explicit: config) }
        if let note = ConfigLocator.note(for: path) { print("ok   \(note)") }
        let check = Preflight(configPath: path, reachTimeout: timeout)
        for line in check.lines { print(line.rendered) }
        if let failed = check.failed { throw failed }
    }
}
