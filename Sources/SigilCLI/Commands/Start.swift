import ArgumentParser
import Logging
import Signer

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start signing: dial every [[validator]] in the config and serve it.")

    @Option(name: [.short, .customLong("config")], help: "Config file (default: $TMKMS_CONFIG_FILE, then ./tmkms.toml).")
    var config: String?

    @Flag(name: [.short, .long], help: "Log debug lines too.") var verbose = false

    @Flag(help: ArgumentHelp(
        "Start a chain from an empty state even though an older signer's state for it was found on this host.",
        discussion: "Only when that file is not this key's watermark on the chain (another key, or older than what "
            + "this key signed since). Otherwise carry it over with `sigil state import`."))
    var acceptEmptyState = false

    func run() throws {
        guard let path = ConfigLocator.find(explicit: config) else { throw ConfigLocator.notFound(explicit: config) }
        LoggingSystem.bootstrapTMKMS(level: verbose ? .debug : .info)
        if let note = ConfigLocator.note(for: path) { Logger(label: "sigil::commands::start").warning("\(note)") }
        let runtime = try SignerRuntime(configPath: path, acceptEmptyState: acceptEmptyState)
        try runtime.run()
    }
}
