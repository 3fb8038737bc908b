import Netlink
import WireGuard
import Sockets
import TOML

/// Where the validator may listen for its remote signer: an address on a WireGuard interface only.
public struct GuardedListen: Hashable, Sendable {
    public let address: IPAddress
    public let port: UInt16
    public let interface: String
}

/// One interface as the laddr check sees it.
public struct InterfaceFacts: Hashable, Sendable {
    public var name: String
    public var kind: String?
    public var hasLiveUAPISocket: Bool
    public var addresses: [CIDR]

    public init(name: String, kind: String?, hasLiveUAPISocket: Bool = false, addresses: [CIDR]) {
        self.name = name
        self.kind = kind
        self.hasLiveUAPISocket = hasLiveUAPISocket
        self.addresses = addresses
    }

    var isWireGuard: Bool { kind == "wireguard" || (kind == "tun" && hasLiveUAPISocket) }
}

/// `sigil guard laddr`: CometBFT's `priv_validator_laddr` must be `tcp://<WireGuard address>:<port>`.
public enum LaddrGuard {
    /// Reads `priv_validator_laddr` from a CometBFT config.toml and checks it against this machine's interfaces.
    public static func check(configTOML path: String, userspace: UserspaceBackend = UserspaceBackend()) throws
        -> GuardedListen
    {
        let laddr = try readLaddr(path)
        let rt = try RouteNetlink()
        let addresses = try rt.addresses()
        let interfaces = try rt.links().map { link in
            InterfaceFacts(name: link.name, kind: link.kind,
                           hasLiveUAPISocket: link.kind == "tun" && userspace.isLive(link.name),
                           addresses: addresses.filter { $0.interfaceIndex == link.index }.map(\.cidr))
        }
        return try evaluate(laddr: laddr, interfaces: interfaces, source: path).get()
    }

    static func readLaddr(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GuardError.refuse(.unreadable, "cannot read \(path)", fix: "give the path of the node's config.toml")
        }
        let table = try TOML.parse(String(decoding: data, as: UTF8.self), file: path)
        guard let value = table["priv_validator_laddr"] else {
            throw GuardError.refuse(.laddrEmpty, "\(path) has no priv_validator_laddr",
                                    fix: "add priv_validator_laddr = \"tcp://<tunnel address>:26659\" at the top level")
        }
        guard let s = value.string else {
            throw GuardError.refuse(.laddrInvalid, "\(path):\(value.line): priv_validator_laddr is \(value.typeName)",
                                    fix: "write it as a string, \"tcp://<tunnel address>:26659\"")
        }
        return s
    }

    /// The pure rule. `source` names the config in messages.
    public static func evaluate(laddr: String, interfaces: [InterfaceFacts], source: String = "config.toml")
        -> Result<GuardedListen, GuardError>
    {
        let wg = interfaces.filter(\.isWireGuard)
        let suggestion = wg.flatMap { i in
            i.addresses.filter { $0.address.isPrivate }.map { "\($0.address) (\(i.name))" }
        }
        let hint = suggestion.isEmpty
            ? "bring the WireGuard tunnel up and use its address, e.g. tcp://10.200.0.1:26659"
            : "use a WireGuard address: " + suggestion.joined(separator: ", ")
        func no(_ c: GuardError.Code, _ found: String, _ fix: String? = nil) -> Result<GuardedListen, GuardError> {
            .failure(.refuse(c, "priv_validator_laddr in \(source) \(found)", fix: fix ?? hint))
        }
        let text = laddr.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return no(.laddrEmpty, "is empty, so the node expects no remote signer") }
        if text.hasPrefix("unix://") {
            return no(.laddrNotTCP, "is `\(text)', a Unix socket; a signer on another machine reaches the validator "
                      + "over tcp through the tunnel", "set tcp://<tunnel address>:26659; " + hint)
        }
        guard text.hasPrefix("tcp://") else {
            return no(.laddrNotTCP, "is `\(text)', not tcp://host:port", "set tcp://<tunnel address>:26659; " + hint)
        }
        guard let hp = HostPort(String(text.dropFirst(6))) else {
            return no(.laddrInvalid, "`\(text)' has no valid host:port")
        }
        guard let ip = IPAddress(hp.host) else {
            return no(.laddrInvalid, "names host `\(hp.host)'; only a literal tunnel address pins the listener")
        }
        if ip.isUnspecified {
            return no(.laddrUnspecified, "is `\(text)', which listens on every interface, public ones included")
        }
        guard let owner = interfaces.first(where: { i in i.addresses.contains { $0.address == ip } }) else {
            return no(.laddrNotLocal, "is `\(text)', but \(ip) is not assigned to any interface here")
        }
        guard owner.isWireGuard else {
            let kind = owner.kind.map { "kind \($0)" } ?? "no link kind"
            return no(.laddrNotWireGuard, "is `\(text)', an address of \(owner.name) (\(kind)), not a WireGuard "
                      + "interface" + (ip.isPrivate ? "" : " — and a public address"))
        }
        guard ip.isPrivate else {
            return no(.notPrivate, "is `\(text)' on \(owner.name), but \(ip) is not a private-range address",
                      "give the tunnel a private address (10.200.0.1/24 or similar) and listen on it")
        }
        return .success(GuardedListen(address: ip, port: hp.port, interface: owner.name))
    }
}

import Foundation
