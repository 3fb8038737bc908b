import ArgumentParser
import Foundation
import SigilCrypto

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
            Testnode.self,
            Version.self,
            WireGuardCommand.self,
            TunnelCommand.self,
            GuardCommand.self,
            FirewallCommand.self,
            SecretConnectionCommand.self,
        ])

    /// The single place that prints errors, always as one `error: ...` line. Wrong arguments also name the
    /// command's `--help`; a failure inside a command prints only its message. Help and version print as usual.
    static func main() {
        unblockSignals()
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail("\(message.trimmingPrefix("Error: ")) (see `\(commandPath(arguments)) --help`)",
                 status: exitCode(for: error).rawValue)
        }
        do {
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch where exitCode(for: error) == .success {
            // `--help` and `--version` arrive here: parseAsRoot returns ArgumentParser's own help command, whose
            // run() throws the request, and exit(withError:) prints it as help, not as an error.
            exit(withError: error)
        } catch let error as ValidationError {
            fail(error.message, status: 1)
        } catch {
            fail("\(error)", status: 1)
        }
    }

    /// A parent may hand us a blocked or ignored SIGTERM (Foundation's Process passes on a test runner's mask),
    /// and then systemd, Docker or an operator could not stop the signer: the state is durable before every reply,
    /// so the default action (exit at once) is the right one.
    private static func unblockSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        for signal in [SIGTERM, SIGINT, SIGHUP] { Foundation.signal(signal, SIG_DFL) }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        // Every message is scrubbed of key-shaped tokens on its way out, whatever produced it.
        let line = Redaction.scrub(
            message.split(whereSeparator: \.isNewline).joined(separator: " "), keepingLabelledPublic: true)
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        Foundation.exit(status == 0 ? 1 : status)
    }

    /// `sigil state set` for `sigil state set --height x FILE`: the subcommands named before the first option.
    static func commandPath(_ arguments: [String]) -> String {
        var path = ["sigil"]
        var level: [ParsableCommand.Type] = configuration.subcommands
        for word in arguments {
            guard let sub = level.first(where: { $0._commandName == word }) else { break }
            path.append(word)
            level = sub.configuration.subcommands
        }
        return path.joined(separator: " ")
    }
}
