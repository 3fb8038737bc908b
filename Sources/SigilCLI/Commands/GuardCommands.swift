import ArgumentParser
import Sockets
import TunnelGuard
import WireGuard

/// `sigil guard`: refuse signer links that could leave the machine outside the WireGuard tunnel.
struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Check that the privval link is bound to the WireGuard tunnel.",
        subcommands: [Laddr.self, Route.self])
}

extension GuardCommand {
    struct Laddr: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a CometBFT config.toml: priv_validator_laddr must be tcp://<WireGuard address>:port.")

        @Argument(help: "The node's config.toml.")
        var config: String

        func run() throws {
            let ok = try LaddrGuard.check(configTOML: config)
            print("ok: priv_validator_laddr tcp://\(HostPort(host: ok.address.description, port: ok.port)) "
                  + "is on WireGuard interface \(ok.interface)")
        }
    }

    struct Route: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the signer's dial: the route to the validator must leave through a live tunnel.")

        @Option(help: "The WireGuard interface the signer must use.")
        var interface: String

        @Argument(help: "The validator's tunnel address.")
        var destination: String

        func run() throws {
            guard let ip = IPAddress(destination) else {
                throw ValidationError("`\(destination)' is not an IP address; give the validator's tunnel address")
            }
            let route = try TunnelGuard.check(interface: interface, destination: ip)
            print("ok: dial \(ip) from \(route.sourceAddress) on \(route.device)")
        }
    }
}
