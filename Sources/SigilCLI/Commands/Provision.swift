import ArgumentParser
import Provisioning
import SigilCrypto
import WireGuard

struct Provision: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write matched validator (machine A) and signer (machine B) bundles for a WireGuard-linked setup.",
        discussion: """
            By default both bundles are written from one run. With --role, only that machine's bundle is written:
            it uses the machine's own private key (--private-key, e.g. from `sigil wg genkey --out`) and the other
            machine's public key, so private keys never share a directory.
            """)

    @Option(help: "Chain id of the validator.") var chainId: String
    @Option(help: "Machine A's public IP[:port] (WireGuard UDP, default port 51820).") var validatorEndpoint: String
    @Option(help: "Machine B's public IP[:port].") var signerEndpoint: String
    @Option(help: "Tunnel subnet; A gets .1, B gets .2.") var subnet = "10.200.0.0/24"
    @Option(help: "Privval TCP port on the validator's tunnel address.") var port: UInt16 = 26659
    @Option(help: "WireGuard interface name.") var interface = "wg0"
    @Option(help: "CometBFT privval protocol of the node (sekaid: v0.37).") var protocolVersion = "v0.37"
    @Option(help: "Where the signer bundle will be installed on machine B.") var signerHome = "/etc/sigil"
    @Option(help: "Where the validator bundle will be installed on machine A.") var validatorHome = "/etc/sigil"
    @Option(help: "Output directory; bundles go to <out>/validator and <out>/signer.") var out = "sigil-bundles"
    @Option(help: "Write only this machine's bundle (validator or signer).") var role: BundleRole?
    @Option(help: "With --role: this machine's WireGuard private key file.") var privateKey: String?
    @Option(help: "With --role: the other machine's WireGuard public key.") var peerPublicKey: String?
    @Option(help: "With --role: a preshared key file shared by both machines (sigil wg genpsk).") var pskFile: String?
    @Flag(help: "With --role: no preshared key on this link (the other machine's bundle must have none either).")
    var noPsk = false

    func validate() throws {
        if role != nil, privateKey == nil || peerPublicKey == nil {
            throw ValidationError("--role needs --private-key (this machine's key) and --peer-public-key")
        }
        if role == nil, privateKey != nil || peerPublicKey != nil || pskFile != nil || noPsk {
            throw ValidationError("--private-key, --peer-public-key, --psk-file and --no-psk go with --role")
        }
        // Both machines must agree on the PSK; a silent default would let one side have it and the other not.
        if role != nil, (pskFile == nil) == !noPsk {
            throw ValidationError(pskFile == nil
                ? "--role needs --psk-file FILE (the same `sigil wg genpsk` key on both machines) or --no-psk"
                : "--psk-file and --no-psk contradict each other: pass one")
        }
    }

    func run() throws {
        guard signerHome.hasPrefix("/"), !signerHome.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw ValidationError("--signer-home `\(signerHome.debugDescription.dropFirst().dropLast())' must be an "
                + "absolute path without control characters, e.g. /etc/sigil")
        }
        let request = try ProvisionRequest(
            chainID: chainId, validatorEndpoint: validatorEndpoint, signerEndpoint: signerEndpoint, subnet: subnet,
            privvalPort: port, interface: interface, protocolVersion: protocolVersion)
        let keys = try role.map { try splitKeys($0) } ?? LinkKeys.generateBoth()
        let plan = BundlePlan(request: request, keys: keys, signerHome: signerHome, validatorHome: validatorHome)
        let roles = role.map { [$0] } ?? BundleRole.allCases
        let planned = try roles.map { ($0, try plan.files(for: $0)) }
        for (r, _) in planned { try BundleWriter.checkAbsent("\(out)/\(r.rawValue)") }
        for (r, files) in planned {
            try BundleWriter.write(files, to: "\(out)/\(r.rawValue)")
            print("Wrote \(out)/\(r.rawValue)/ (\(files.count) files): see its README.md")
        }
        print("validator tunnel \(request.validatorTunnelIP), signer tunnel \(request.signerTunnelIP), "
            + "privval tcp://\(request.validatorTunnelIP):\(request.privvalPort)")
    }

    private func splitKeys(_ role: BundleRole) throws -> LinkKeys {
        let own = try KeyFile.readPrivateKey(privateKey!)
        let peer = try WireGuardKey(base64: peerPublicKey!, what: "--peer-public-key")
        let psk = try pskFile.map { try KeyFile.readPrivateKey($0) }
        switch role {
        case .validator:
            return LinkKeys(validatorPrivate: own, validatorPublic: own.publicKey(), signerPrivate: nil,
                            signerPublic: peer, presharedKey: psk, kmsIdentitySeed: nil)
        case .signer:
            return LinkKeys(validatorPrivate: nil, validatorPublic: peer, signerPrivate: own,
                            signerPublic: own.publicKey(), presharedKey: psk, kmsIdentitySeed: Random.bytes(32))
        }
    }
}

extension BundleRole: ExpressibleByArgument {}
