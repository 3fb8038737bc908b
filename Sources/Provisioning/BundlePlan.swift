import Firewall
import SigilCrypto
import Sockets
import WireGuard

/// One file (or empty directory) of a bundle, relative to the output directory.
public struct BundleFile: Hashable, Sendable {
    public let path: String
    public let contents: String
    public let mode: UInt16
    public let isDirectory: Bool

    public init(_ path: String, _ contents: String, mode: UInt16 = 0o644) {
        self.path = path
        self.contents = contents
        self.mode = mode
        self.isDirectory = false
    }

    public init(directory path: String, mode: UInt16 = 0o700) {
        self.path = path
        self.contents = ""
        self.mode = mode
        self.isDirectory = true
    }
}

public enum BundleRole: String, CaseIterable, Sendable { case validator, signer }

/// Turns a validated request and its keys into the exact files of each bundle. Pure: nothing is written
/// here, so a refusal anywhere leaves the disk untouched.
public struct BundlePlan: Sendable {
    public let request: ProvisionRequest
    public let keys: LinkKeys
    /// Where the signer bundle will live on machine B; paths inside `tmkms.toml` point there.
    public let signerHome: String
    /// Where the validator bundle will live on machine A. Its compose file is an override of sekin's, and Compose
    /// resolves an override's relative paths against the first file's directory, so it names its files absolutely.
    public let validatorHome: String

    public init(request: ProvisionRequest, keys: LinkKeys, signerHome: String = "/etc/sigil",
                validatorHome: String = "/etc/sigil") {
        self.request = request
        self.keys = keys
        self.signerHome = signerHome
        self.validatorHome = validatorHome
    }

    public func files(for role: BundleRole) throws -> [BundleFile] {
        let r = request
        let conf = "\(r.interface).conf"
        switch role {
        case .validator:
            guard let priv = keys.validatorPrivate else {
                throw ProvisionError(.invalidKey, "no validator private key for the validator bundle")
            }
            let tunnel = tunnelConfig(priv, address: r.validatorTunnelIP, port: r.validatorEndpoint.port,
                                      peer: keys.signerPublic, peerIP: r.signerTunnelIP, peerEndpoint: r.signerEndpoint)
            let fw = try firewall(.validator, port: r.validatorEndpoint.port, peerEndpoint: r.signerEndpoint,
                                  peerIP: r.signerTunnelIP, localIP: r.validatorTunnelIP, profile: .scoped, docker: true)
            return [
                BundleFile(conf, tunnel.render(), mode: 0o600),
                BundleFile("sekaid-config-change.toml", Templates.sekaidConfigChange(r)),
                BundleFile("compose.yml", Templates.validatorCompose(r, home: validatorHome)),
            ] + fw + [BundleFile("README.md", Templates.validatorReadme(r, home: validatorHome))]
        case .signer:
            guard let priv = keys.signerPrivate, let seed = keys.kmsIdentitySeed else {
                throw ProvisionError(.invalidKey, "no signer private key for the signer bundle")
            }
            let tunnel = tunnelConfig(priv, address: r.signerTunnelIP, port: r.signerEndpoint.port,
                                      peer: keys.validatorPublic, peerIP: r.validatorTunnelIP, peerEndpoint: r.validatorEndpoint)
            let fw = try firewall(.signer, port: r.signerEndpoint.port, peerEndpoint: r.validatorEndpoint,
                                  peerIP: r.validatorTunnelIP, localIP: r.signerTunnelIP, profile: .lockdown, docker: false)
            return [
                BundleFile(conf, tunnel.render(), mode: 0o600),
                BundleFile("tmkms.toml", try Templates.signerConfig(r, home: signerHome)),
                BundleFile("secrets/kms-identity.key", Base64.encode(seed), mode: 0o600),
                BundleFile(directory: "state"),
                BundleFile("compose.yml", Templates.signerCompose(r, home: signerHome)),
            ] + fw + [BundleFile("README.md", Templates.signerReadme(r, home: signerHome))]
        }
    }

    private func tunnelConfig(_ priv: WireGuardKey, address: IPAddress, port: UInt16, peer: WireGuardKey,
                              peerIP: IPAddress, peerEndpoint: Endpoint) -> TunnelConfig {
        let r = request
        var config = TunnelConfig(name: r.interface, privateKey: priv,
                                  addresses: [CIDR(address: address, prefixLength: r.subnet.prefixLength)],
                                  listenPort: port)
        config.peers = [TunnelPeer(
            publicKey: peer, presharedKey: keys.presharedKey,
            allowedIPs: [CIDR(address: peerIP, prefixLength: peerIP.bitWidth)],
            endpoint: HostPort(host: "\(peerEndpoint.address)", port: peerEndpoint.port),
            persistentKeepalive: r.keepalive)]
        return config
    }

    private func firewall(_ role: FirewallPolicy.Role, port: UInt16, peerEndpoint: Endpoint, peerIP: IPAddress,
                          localIP: IPAddress, profile: FirewallPolicy.Profile, docker: Bool) throws -> [BundleFile] {
        let r = request
        let policy = try FirewallPolicy(
            role: role, interface: r.interface, listenPort: port,
            // Match the peer's address only: NAT or Docker's masquerading may rewrite its source port.
            peerEndpoint: PeerEndpoint(address: peerEndpoint.address),
            peerTunnelIP: peerIP, localTunnelIP: localIP, privvalPort: r.privvalPort, profile: profile, docker: docker)
        return [
            BundleFile("firewall/sigil.nft", NftRenderer.render(policy)),
            BundleFile("firewall/sigil.iptables", try IptablesRenderer.render(policy)),
            BundleFile("firewall/sigil-ufw.sh", try UfwRenderer.render(policy), mode: 0o755),
        ]
    }
}
