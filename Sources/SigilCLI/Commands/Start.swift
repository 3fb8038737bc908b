import ArgumentParser
import Logging
import Signer

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start signing: dial every [[validator]] in the config and serve it.")

    @Option(name: [.short, .customLong("config")], help: "Config file (default: $TMKMS_CONFIG_FILE, then ./tmkms.toml).")
    var config: String?

    @Flag(name: [.short, .long], help: "Log debug lines too.") var verbose = false

    func run() throws {
        guard let path = ConfigLocator.find(explicit: config) else { throw ConfigLocator.notFound(explicit: config) }
        LoggingSystem.bootstrapTMKMS(level: verbose ? .debug : .info)
        let runtime = try SignerRuntime(configPath: path)
        try runtime.run()
    }
}
