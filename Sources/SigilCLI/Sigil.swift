import ArgumentParser
import Foundation

@main
struct Sigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "Remote signer for CometBFT validators, with a WireGuard production bundle.",
        subcommands: [
            Start.self,
            Check.self,
            Init.self,
            Softsign.self,
            Demo.self,
            Provision.self,
            State.self,
            Status.self,
            Bench.self,
            Version.self,
            WireGuardCommand.self,
            TunnelCommand.self,
            GuardCommand.self,
            FirewallCommand.self,
            SecretConnectionCommand.self,
        ])

    /// The single place that prints errors: argument errors go through ArgumentParser's formatter,
    /// everything else prints as one `error: ...` line and exits 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error where isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }

    private static func isArgumentParserError(_ error: Error) -> Bool {
        error is ValidationError || error is ExitCode || error is CleanExit
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
