import Foundation
import Provisioning
import SignerConfig
import TestSupport
import Testing
import WireGuard

/// Golden output of `sigil provision` with fixed keys injected, and refusals that write nothing.
struct ProvisionTests {
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func key(_ byte: UInt8) -> WireGuardKey { WireGuardKey(raw: [UInt8](repeating: byte, count: 32)) }

    static func fixedPlan() throws -> BundlePlan {
        let request = try ProvisionRequest(
            chainID: "kira-1", validatorEndpoint: "203.0.113.10", signerEndpoint: "198.51.100.20:51821")
        let v = key(0x11), s = key(0x22)
        let keys = LinkKeys(validatorPrivate: v, validatorPublic: v.publicKey(), signerPrivate: s,
                            signerPublic: s.publicKey(), presharedKey: key(0x33),
                            kmsIdentitySeed: [UInt8](repeating: 0x44, count: 32))
        return BundlePlan(request: request, keys: keys, signerHome: "/etc/sigil")
    }

    @Test(arguments: BundleRole.allCases)
    func bundleMatchesGolden(_ role: BundleRole) throws {
        let files = try Self.fixedPlan().files(for: role)
        let update = ProcessInfo.processInfo.environment["SIGIL_UPDATE_GOLDEN"] == "1"
        for file in files where !file.isDirectory {
            let url = Self.goldenDir.appendingPathComponent("\(role.rawValue)/\(file.path)")
            if update {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.contents.write(to: url, atomically: true, encoding: .utf8)
            }
            let golden = try String(contentsOf: url, encoding: .utf8)
            #expect(file.contents == golden, "\(role)/\(file.path) differs from its golden file")
        }
        let names = Set(files.filter { !$0.isDirectory }.map(\.path))
        let goldenNames = try Self.listFiles(Self.goldenDir.appendingPathComponent(role.rawValue))
        #expect(names == goldenNames, "bundle file list changed")
    }

    static func listFiles(_ dir: URL) throws -> Set<String> {
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])!
        var out = Set<String>()
        for case let u as URL in e where (try u.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out.insert(String(u.path.dropFirst(dir.path.count + 1)))
        }
        return out
    }

    @Test func bundlesAreMatched() throws {
        let plan = try Self.fixedPlan()
        let a = try TunnelConfig.parse(try #require(plan.files(for: .validator).first { $0.path == "wg0.conf" }).contents, name: "wg0")
        let b = try TunnelConfig.parse(try #require(plan.files(for: .signer).first { $0.path == "wg0.conf" }).contents, name: "wg0")
        #expect(a.peers.first?.publicKey == b.privateKey?.publicKey())
        #expect(b.peers.first?.publicKey == a.privateKey?.publicKey())
        #expect(a.peers.first?.presharedKey == b.peers.first?.presharedKey)
        #expect(a.peers.first?.presharedKey != nil, "a per-link PSK")
        #expect(a.listenPort == 51820 && b.listenPort == 51821)
        #expect(a.peers.first?.endpoint?.description == "198.51.100.20:51821")
        #expect(b.peers.first?.endpoint?.description == "203.0.113.10:51820")
        let toml = try #require(plan.files(for: .signer).first { $0.path == "tmkms.toml" }).contents
        #expect(toml.contains("addr = \"tcp://10.200.0.1:26659\""))
        let config = try SignerConfig.parse(toml, file: "tmkms.toml")
        #expect(config.validators.first?.tunnel == "wg0", "the signer config parses, with the tunnel guard on")
        #expect(config.validators.first?.protocolVersion == .v0_37)
        let patch = try #require(plan.files(for: .validator).first { $0.path == "sekaid-config-change.toml" }).contents
        #expect(patch.contains("priv_validator_laddr = \"tcp://10.200.0.1:26659\""))
        #expect(!patch.contains("tcp://0.0.0.0"))
        let modes = Dictionary(uniqueKeysWithValues: try plan.files(for: .signer).map { ($0.path, $0.mode) })
        #expect(modes["wg0.conf"] == 0o600 && modes["secrets/kms-identity.key"] == 0o600)
    }

    /// The bundles' compose files pass the same Compose-spec and topology checks as the shipped ones.
    @Test(.enabled(if: ComposeFiles.canValidate), arguments: BundleRole.allCases)
    func bundleComposeMatchesTheComposeSpec(_ role: BundleRole) throws {
        let path = Self.goldenDir.appendingPathComponent("\(role.rawValue)/compose.yml").path
        let parsed = try ComposeFiles.parse(path)
        #expect(parsed.errors.isEmpty, "\(role): \(parsed.errors)")
        #expect(ComposeFiles.violations(parsed).isEmpty, "\(role): \(ComposeFiles.violations(parsed))")
    }

    @Test(arguments: [
        ("overlapping subnets", ["10.1.0.0/24"], ProvisionError.Code.overlappingSubnets),
        ("public tunnel subnet", ["8.8.8.0/24"], .publicSubnet),
        ("endpoint inside the subnet", ["10.200.0.0/24", "10.200.0.9"], .overlappingSubnets),
        ("hostname endpoint", ["10.200.0.0/24", "validator.example"], .invalidEndpoint),
        ("garbage endpoint", ["10.200.0.0/24", "1.2.3.4:99999"], .invalidEndpoint),
        ("not a CIDR", ["10.200.0.0/40"], .invalidSubnet),
    ])
    func badInputIsRefused(_ name: String, _ args: [String], _ code: ProvisionError.Code) {
        let subnet = args[0]
        let endpoint = args.count > 1 ? args[1] : "203.0.113.10"
        do {
            _ = try ProvisionRequest(chainID: "kira-1", validatorEndpoint: endpoint, signerEndpoint: "198.51.100.20",
                                     subnet: subnet)
            Issue.record("\(name): accepted")
        } catch let e as ProvisionError {
            #expect(e.code == code, "\(name): \(e)")
            #expect(e.description.contains(endpoint == "203.0.113.10" ? subnet.split(separator: "/")[0] : Substring(endpoint)),
                    "\(name): the message quotes the input: \(e)")
        } catch {
            Issue.record("\(name): unexpected \(error)")
        }
    }

    /// The real CLI: an existing bundle directory is refused and nothing is written or changed.
    @Test func existingBundleDirectoryIsRefusedAndNothingIsWritten() throws {
        let dir = try TempDir("sigil-provision")
        defer { dir.remove() }
        let args = ["provision", "--chain-id", "kira-1", "--validator-endpoint", "203.0.113.10",
                    "--signer-endpoint", "198.51.100.20", "--out", dir.url.path]
        let (s1, o1) = try run(Built.sigil.path, args)
        #expect(s1 == 0, "\(o1)")
        let before = try String(contentsOfFile: dir.path("validator/wg0.conf"), encoding: .utf8)
        try FileManager.default.removeItem(atPath: dir.path("signer"))
        let (s2, o2) = try run(Built.sigil.path, args)
        #expect(s2 != 0)
        #expect(o2.contains("already exists"), "\(o2)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("signer")), "a refusal writes nothing")
        #expect(try String(contentsOfFile: dir.path("validator/wg0.conf"), encoding: .utf8) == before, "keys kept")
    }

    @Test func badSubnetOnTheCLIWritesNothing() throws {
        let dir = try TempDir("sigil-provision")
        defer { dir.remove() }
        let out = dir.path("bundles")
        let (s, o) = try run(Built.sigil.path, ["provision", "--chain-id", "kira-1", "--validator-endpoint", "203.0.113.10",
                                                "--signer-endpoint", "198.51.100.20", "--subnet", "172.17.5.0/24",
                                                "--out", out])
        #expect(s != 0)
        #expect(o.contains("172.17.5.0/24") && o.contains("overlaps"), "\(o)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
