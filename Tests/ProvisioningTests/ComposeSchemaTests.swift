import Foundation
import Testing
import TestSupport

/// Every compose file the repository ships is validated against the Compose Specification JSON schema (by Python's
/// jsonschema and PyYAML, the same libraries the spec's own tooling uses), then checked for the topology rules:
/// the privval port is never published, and services in another service's namespace publish nothing.
enum ComposeFiles {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schema = "compose/compose-spec.json"
    static let python = "/usr/bin/python3"

    static var all: [String] {
        let root = repo.appendingPathComponent("compose")
        let items = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        // Compose files only: compose/monitoring also holds Prometheus and Grafana YAML.
        return items.filter { $0.hasSuffix("compose.yml") || $0.hasSuffix("compose.yaml") }.sorted()
    }

    static func path(_ machine: String) -> String { repo.appendingPathComponent("compose/\(machine)/compose.yml").path }

    static var canValidate: Bool {
        guard Vectors.available(schema) else { return false }
        if Vectors.isCI { return true }
        return (try? run(python, ["-c", "import jsonschema, yaml"]).0) == 0
    }

    struct Parsed {
        let errors: [String]
        let doc: [String: Any]
        let text: String
    }

    /// Schema errors and the parsed document (as JSON, so Swift can inspect it) for one YAML file.
    static func parse(_ path: String) throws -> Parsed {
        let script = """
            import json, sys, yaml, jsonschema
            schema = json.load(open(sys.argv[1]))
            doc = yaml.safe_load(open(sys.argv[2]))
            errors = ["/".join(map(str, e.absolute_path)) + ": " + e.message
                      for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
            print(json.dumps({"errors": errors, "doc": doc}))
            """
        let (status, output) = try run(python, ["-c", script, Vectors.url(schema).path, path])
        guard status == 0, let data = output.data(using: .utf8),
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let errors = json["errors"] as? [String], let doc = json["doc"] as? [String: Any]
        else { throw Failure(description: "python3 could not parse \(path): \(output)") }
        return Parsed(errors: errors, doc: doc, text: try String(contentsOfFile: path, encoding: .utf8))
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func services(_ doc: [String: Any]) -> [String: [String: Any]] {
        (doc["services"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    /// Topology rules every shipped compose file must keep. Empty means fine.
    static func violations(_ parsed: Parsed, privvalPort: Int = 26659) -> [String] {
        var out: [String] = []
        for bad in ["0.0.0.0:\(privvalPort)", "127.0.0.1:\(privvalPort)"] where parsed.text.contains(bad) {
            out.append("contains \(bad)")
        }
        for (name, service) in services(parsed.doc) {
            let ports = service["ports"] as? [Any] ?? []
            for port in ports {
                let published: Bool
                if let text = port as? String {
                    published = text.split(separator: "/")[0].split(separator: ":").contains { $0 == "\(privvalPort)" }
                } else if let object = port as? [String: Any] {
                    published = "\(object["target"] ?? "")" == "\(privvalPort)"
                        || "\(object["published"] ?? "")" == "\(privvalPort)"
                } else {
                    published = "\(port)" == "\(privvalPort)"
                }
                if published { out.append("\(name) publishes the privval port: \(port)") }
            }
            let mode = service["network_mode"] as? String ?? ""
            if mode.hasPrefix("service:") || mode.hasPrefix("container:"), !ports.isEmpty {
                out.append("\(name) shares \(mode)'s namespace and cannot publish ports")
            }
        }
        return out
    }
}

@Suite(.enabled(if: ComposeFiles.canValidate))
struct ComposeSchemaTests {
    @Test func theExpectedComposeFilesExist() {
        #expect(ComposeFiles.all == [
            "dev/compose.yml", "dev/testnode.compose.yml", "monitoring/compose.yml", "signer/compose.yml",
            "validator/compose.yml",
        ])
    }

    @Test(arguments: ComposeFiles.all)
    func matchesTheComposeSpecAndNeverPublishesPrivval(_ file: String) throws {
        let parsed = try ComposeFiles.parse(ComposeFiles.repo.appendingPathComponent("compose/\(file)").path)
        #expect(parsed.errors.isEmpty, "\(file): \(parsed.errors)")
        #expect(ComposeFiles.violations(parsed).isEmpty, "\(file): \(ComposeFiles.violations(parsed))")
    }

    @Test func validatorTunnelSharesSekaisNamespaceAndSekaiPublishesWireGuard() throws {
        let parsed = try ComposeFiles.parse(ComposeFiles.path("validator"))
        let services = ComposeFiles.services(parsed.doc)
        let tunnel = try #require(services["sigil-tunnel"])
        #expect(tunnel["network_mode"] as? String == "service:sekai")
        #expect(tunnel["cap_add"] as? [String] == ["NET_ADMIN"])
        #expect(tunnel["cap_drop"] as? [String] == ["ALL"])
        #expect((tunnel["devices"] as? [String])?.contains("/dev/net/tun:/dev/net/tun") == true)
        let command = (tunnel["command"] as? [String])?.joined() ?? ""
        #expect(command.contains("sigil tunnel up /etc/sigil/wg0.conf"))
        #expect(command.contains("nft -f"))
        let sekaiPorts = try #require(services["sekai"]?["ports"] as? [String])
        #expect(sekaiPorts.contains { $0.hasSuffix(":51820/udp") })
    }

    @Test func signerOnlyDialsOutThroughTheTunnelNamespace() throws {
        let parsed = try ComposeFiles.parse(ComposeFiles.path("signer"))
        let services = ComposeFiles.services(parsed.doc)
        let signer = try #require(services["sigil"])
        #expect(signer["network_mode"] as? String == "service:sigil-tunnel")
        // Root with NET_ADMIN only (the tunnel guard reads the device), nothing else.
        #expect(signer["cap_drop"] as? [String] == ["ALL"])
        #expect(signer["cap_add"] as? [String] == ["NET_ADMIN"])
        #expect(signer["read_only"] as? Bool == true)
        #expect(signer["command"] as? [String] == ["start", "-c", "/etc/sigil/tmkms.toml"])
        // The guard sees wireguard-go's control socket only if both containers share /run/wireguard.
        for service in [signer, try #require(services["sigil-tunnel"])] {
            #expect((service["volumes"] as? [String])?.contains("wireguard-run:/run/wireguard") == true)
        }
        #expect(services.values.allSatisfy { $0["ports"] == nil }, "machine B publishes nothing")
    }

    @Test func devSignerDialsSekaiOnTheExternalKiranet() throws {
        let parsed = try ComposeFiles.parse(ComposeFiles.path("dev"))
        let networks = try #require(parsed.doc["networks"] as? [String: Any])
        #expect((networks["kiranet"] as? [String: Any])?["external"] as? Bool == true)
        let sekai = try #require(ComposeFiles.services(parsed.doc)["sekai"])
        let kiranet = (sekai["networks"] as? [String: Any])?["kiranet"] as? [String: Any]
        #expect((kiranet?["aliases"] as? [String])?.contains("sekai.local") == true)
        #expect(parsed.text.contains("tcp://sekai.local:26659"))
        #expect(Set(ComposeFiles.services(parsed.doc).keys) == ["sekai", "sigil", "syslog-ng"])
    }

    /// The checks must be able to fail: a publish of the privval port and a schema error are both caught.
    @Test func checksCatchAPrivvalPublishAndASchemaError() throws {
        let dir = try TempDir("sigil-compose")
        defer { dir.remove() }
        let original = try String(
            contentsOf: ComposeFiles.repo.appendingPathComponent("compose/validator/compose.yml"), encoding: .utf8)
        let published = original.replacingOccurrences(
            of: "      - \"${WG_PORT:-51820}:51820/udp\"",
            with: "      - \"${WG_PORT:-51820}:51820/udp\"\n      - \"127.0.0.1:26659:26659\"")
        try published.write(toFile: dir.path("published.yml"), atomically: true, encoding: .utf8)
        let parsed = try ComposeFiles.parse(dir.path("published.yml"))
        #expect(parsed.errors.isEmpty)
        #expect(ComposeFiles.violations(parsed).count == 2)

        let broken = original.replacingOccurrences(of: "    read_only: true", with: "    read_only: [yes]")
        try broken.write(toFile: dir.path("broken.yml"), atomically: true, encoding: .utf8)
        let errors = try ComposeFiles.parse(dir.path("broken.yml")).errors
        #expect(errors.contains { $0.hasPrefix("services/sigil-tunnel/read_only") }, "\(errors)")
    }

    /// The tunnel services' shell scripts parse, and their `sigil firewall` line, run through the real CLI with the
    /// .env.example values, yields rules that `nft -c` accepts.
    @Test(
        .enabled(if: (getuid() == 0 && FileManager.default.isExecutableFile(atPath: Built.sigil.path)) || Vectors.isCI),
        arguments: ["validator", "signer"])
    func tunnelScriptsParseAndTheirFirewallLineProducesValidRules(_ machine: String) throws {
        let parsed = try ComposeFiles.parse(ComposeFiles.path(machine))
        let tunnel = try #require(ComposeFiles.services(parsed.doc)["sigil-tunnel"])
        #expect(tunnel["entrypoint"] as? [String] == ["/bin/sh", "-ec"])
        // Compose turns `$$` into `$` before the shell sees the script.
        let script = try #require((tunnel["command"] as? [String])?.first).replacingOccurrences(of: "$$", with: "$")
        let (syntax, complaint) = try run("/bin/sh", ["-n", "-c", script])
        #expect(syntax == 0, "\(complaint)")

        let lines = script.split(separator: "\n").map(String.init)
        let end = try #require(lines.firstIndex { $0.contains("> /run/sigil.nft") })
        let firewall = lines[...end].joined(separator: "\n").replacingOccurrences(of: "> /run/sigil.nft", with: "")
        #expect(firewall.hasPrefix("sigil firewall --role \(machine)"))
        let example = ComposeFiles.repo.appendingPathComponent("compose/.env.example")
        let env = try String(contentsOf: example, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && $0.contains("=") }
            .reduce(into: [String: String]()) { vars, line in
                let kv = line.split(separator: "=", maxSplits: 1)
                vars[String(kv[0])] = String(kv[1])
            }
        let path = Built.sigil.deletingLastPathComponent().path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        let (status, rules) = try run("/bin/sh", ["-ec", firewall], environment: env.merging(["PATH": path]) { $1 })
        try #require(status == 0, "\(rules)")
        #expect(rules.contains("table inet sigil {"))

        let dir = try TempDir("sigil-compose-nft")
        defer { dir.remove() }
        try rules.write(toFile: dir.path("sigil.nft"), atomically: true, encoding: .utf8)
        let (checked, output) = try run("/usr/bin/unshare", ["-n", "nft", "-c", "-f", dir.path("sigil.nft")])
        #expect(checked == 0, "\(output)")
    }
}
