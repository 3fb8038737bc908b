import ArgumentParser
import Logging
import Signer
import SignerConfig
import Telemetry

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

    @Option(help: "Log line format: text (TMKMS's) or json (default: [logging] format, else text).")
    var logFormat: LogFormat?

    func run() throws {
        guard let path = ConfigLocator.find(explicit: config) else { throw ConfigLocator.notFound(explicit: config) }
        let config = try SignerConfig.load(path: path)
        let format = logFormat ?? config.logFormat ?? .text
        LoggingSystem.bootstrapTMKMS(level: verbose ? .debug : .info, json: format == .json)
        if let note = ConfigLocator.note(for: path) { Logger(label: "sigil::commands::start").warning("\(note)") }
        guard let metricsConfig = config.metrics else {
            let runtime = try SignerRuntime(config: config, configPath: path, acceptEmptyState: acceptEmptyState)
            runtime.exitOnStopSignals()
            return try runtime.run()
        }
        var server: MetricsServer?
        let runtime = try SignerRuntime(config: config, configPath: path, acceptEmptyState: acceptEmptyState) {
            starting in
            let metrics = SignerMetrics(config: config, starting: starting)
            server = try MetricsServer(config: metricsConfig, metrics: metrics)
            return metrics
        }
        server?.start()
        defer { server?.stop() }
        runtime.exitOnStopSignals()
        try runtime.run()
    }
}

extension LogFormat: ExpressibleByArgument {}
