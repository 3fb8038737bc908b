import SignerConfig
import Sockets
import WireGuard

/// What an operator tells `sigil provision`; validated before anything is generated or written.
public struct ProvisionRequest: Sendable {
    public var chainID: String
    /// Machine A's public address as the signer reaches it (IP, optional :port).
    public var validatorEndpoint: Endpoint
    /// Machine B's public address as the validator reaches it.
    public var signerEndpoint: Endpoint
    public var subnet: CIDR
    public var privvalPort: UInt16
    public var interface: String
    public var protocolVersion: ValidatorConfig.ProtocolVersion
    public var keepalive: UInt16

    /// Networks that a tunnel subnet must not overlap: KIRA's `kiranet` and Docker's default bridge.
    public static let reservedNetworks: [(CIDR, String)] = [
        (CIDR("10.1.0.0/16")!, "KIRA's Docker network kiranet"),
        (CIDR("172.17.0.0/16")!, "Docker's default bridge docker0"),
    ]

    public init(chainID: String, validatorEndpoint: String, signerEndpoint: String, subnet: String = "10.200.0.0/24",
                privvalPort: UInt16 = 26659, interface: String = "wg0", protocolVersion: String = "v0.37",
                keepalive: UInt16 = 25) throws {
        guard !chainID.isEmpty, chainID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw ProvisionError(.invalidChainID, "--chain-id `\(chainID.debugDescription.dropFirst().dropLast().prefix(60))' "
                + "is not valid: use ASCII letters, digits, '-', '_' and '.', exactly as `sekaid status` prints it")
        }
        guard chainID.utf8.count <= 50 else {
            throw ProvisionError(.invalidChainID, "--chain-id `\(chainID.prefix(60))...' is \(chainID.utf8.count) "
                + "characters; CometBFT chain ids are at most 50, copy it from `sekaid status`")
        }
        guard TunnelConfig.isValidInterfaceName(interface) else {
            throw ProvisionError(.invalidInterface, "--interface `\(interface.prefix(40))' is not a valid interface "
                + "name: use 1 to 15 characters from a-z A-Z 0-9 _ = + . -, e.g. wg0")
        }
        self.chainID = chainID
        self.validatorEndpoint = try Self.endpoint(validatorEndpoint, flag: "--validator-endpoint")
        self.signerEndpoint = try Self.endpoint(signerEndpoint, flag: "--signer-endpoint")
        guard let net = CIDR(subnet) else {
            throw ProvisionError(.invalidSubnet, "tunnel subnet `\(subnet)' is not a CIDR such as 10.200.0.0/24")
        }
        self.subnet = CIDR(address: net.network, prefixLength: net.prefixLength)
        self.privvalPort = privvalPort
        self.interface = interface
        guard let version = ValidatorConfig.ProtocolVersion(rawValue: protocolVersion) else {
            throw ProvisionError(.invalidProtocolVersion, "--protocol-version `\(protocolVersion)' is not one of v0.34, "
                + "v0.37, v0.38, v1 (sekaid runs CometBFT v0.37)")
        }
        self.protocolVersion = version
        self.keepalive = keepalive
        try validate()
    }

    static func endpoint(_ text: String, flag: String) throws -> Endpoint {
        guard let hp = HostPort(text.contains(":") && !text.hasSuffix("]") ? text : text + ":51820"),
              let ip = IPAddress(hp.host) else {
            throw ProvisionError(.invalidEndpoint, "\(flag) `\(text)' is not valid: give the machine's public IP "
                + "address, optionally with :port (firewall rules match addresses, so no hostnames)")
        }
        guard !ip.isUnspecified, !ip.isLoopback else {
            throw ProvisionError(.invalidEndpoint, "\(flag) `\(text)' cannot be reached from the other machine: "
                + "give its public IP address")
        }
        return Endpoint(address: ip, port: hp.port)
    }

    private func validate() throws {
        guard subnet.address.isPrivate else {
            throw ProvisionError(.publicSubnet, "tunnel subnet \(subnet) is public address space: use a private range "
                + "such as 10.200.0.0/24")
        }
        guard subnet.address.bitWidth - subnet.prefixLength >= 2 else {
            throw ProvisionError(.subnetTooSmall, "tunnel subnet \(subnet) has no room for two hosts: use /30 or larger")
        }
        for (reserved, name) in Self.reservedNetworks where subnet.overlaps(reserved) {
            throw ProvisionError(.overlappingSubnets, "tunnel subnet \(subnet) overlaps \(reserved) (\(name)): "
                + "pick a range that overlaps neither, such as 10.200.0.0/24")
        }
        for (flag, ep) in [("--validator-endpoint", validatorEndpoint), ("--signer-endpoint", signerEndpoint)]
        where subnet.contains(ep.address) {
            throw ProvisionError(.overlappingSubnets, "\(flag) \(ep.address) lies inside the tunnel subnet \(subnet): "
                + "the endpoint is the machine's public address, outside the tunnel")
        }
        guard validatorEndpoint.address != signerEndpoint.address else {
            throw ProvisionError(.sameEndpoints, "--validator-endpoint and --signer-endpoint are both "
                + "\(validatorEndpoint.address): they must be the two different machines")
        }
    }

    /// Host `n` of the tunnel subnet (1 = validator, 2 = signer).
    func host(_ n: UInt8) -> IPAddress {
        var b = subnet.network.bytes
        b[b.count - 1] = b[b.count - 1] &+ n
        return subnet.address.family == IPAddress("0.0.0.0")!.family ? .v4(b) : .v6(b)
    }

    public var validatorTunnelIP: IPAddress { host(1) }
    public var signerTunnelIP: IPAddress { host(2) }
}
