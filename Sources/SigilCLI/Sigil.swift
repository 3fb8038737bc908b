import ArgumentParser

@main
struct Sigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "Remote signer for CometBFT validators, with a WireGuard production bundle.",
        subcommands: [])
}
