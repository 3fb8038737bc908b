import ArgumentParser
import WireGuard

extension BackendChoice: ExpressibleByArgument {}

/// `sigil tunnel`: bring a wg-quick config up or down without wg-quick or ip(8).
struct TunnelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "Bring a WireGuard tunnel (wg-quick config) up or down, show it, wait for a handshake.",
        subcommands: [Up.self, Down.self, Show.self, WaitHandshake.self])
}

extension TunnelCommand {
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the interface named by the config (wg0.conf → wg0). Safe to re-run.")

        @Argument(help: "The wg-quick config, e.g. /etc/wireguard/wg0.conf (mode 0600).")
        var config: String

        @Option(help: "auto (kernel, else wireguard-go), kernel or userspace.")
        var backend: BackendChoice = .auto

        func run() throws {
            let tunnel = Tunnel(config: try TunnelConfig.load(path: config))
            // Taken before applying: the change itself can trigger a handshake before `up` returns.
            let start = WallClock.now
            let changes = try tunnel.up(backend: backend)
            if !changes.isEmpty { ChangeMark.record(interface: tunnel.config.name, at: start) }
            print(changes.isEmpty ? "\(tunnel.config.name): already up to date" : changes.joined(separator: "\n"))
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the interface named by the config.")

        @Argument(help: "The wg-quick config (only its name is used), or the interface name.")
        var config: String

        func run() throws {
            print(try Tunnel.down(interface: try interfaceName(config)).joined(separator: "\n"))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the interface as `wg show` does, with its backend.")

        @Argument(help: "The wg-quick config or the interface name.")
        var config: String

        func run() throws {
            print(try Tunnel.show(interface: try interfaceName(config)), terminator: "")
        }
    }

    struct WaitHandshake: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wait-handshake",
            abstract: "Send traffic to the first peer and wait for a handshake made after the last change `sigil "
                + "tunnel up` applied to the interface (or after this command started, or after --since).")

        @Argument(help: "The wg-quick config.")
        var config: String

        @Option(help: "Seconds to wait.")
        var timeout: Double = 15

        @Option(help: ArgumentHelp("Accept a handshake at or after this Unix time in seconds (e.g. `date +%s` "
            + "before a change) instead of the command's own start."))
        var since: Double?

        func validate() throws {
            guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
                throw ValidationError("--timeout \(timeout) is not a wait; give seconds from 0.1 to 86400, e.g. 15")
            }
        }

        func run() throws {
            let tunnel = Tunnel(config: try TunnelConfig.load(path: config))
            let start = WallClock.now
            let age = try tunnel.waitHandshake(
                timeout: timeout, since: since ?? ChangeMark.last(interface: tunnel.config.name).map { min($0, start) } ?? start)
            print("\(tunnel.config.name): handshake \(age) s ago")
        }
    }
}

/// `wg0.conf` or a path to it → `wg0`; a bare valid name is taken as is.
private func interfaceName(_ argument: String) throws -> String {
    if !argument.hasSuffix(".conf"), TunnelConfig.isValidInterfaceName(argument) { return argument }
    return try TunnelConfig.interfaceName(forPath: argument)
}
