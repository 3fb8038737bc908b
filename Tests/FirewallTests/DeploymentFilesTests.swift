import Foundation
import Testing
import TestSupport

/// The Dockerfile, systemd units and example WireGuard configs. Docker has no engine here, so the Dockerfile is
/// checked for structure only; the units go through `systemd-analyze verify` when it exists; the example configs
/// are loaded into a real wireguard-go device once their placeholders are filled with real keys.
enum RepoFile {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
}

/// Dockerfile instructions with line continuations joined, as (INSTRUCTION, arguments).
func dockerInstructions(_ text: String) -> [(String, String)] {
    var joined: [String] = []
    var current = ""
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if current.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
        if line.hasSuffix("\\") {
            current += line.dropLast() + " "
        } else {
            joined.append(current + line)
            current = ""
        }
    }
    return joined.map { line in
        let parts = line.split(separator: " ", maxSplits: 1)
        return (parts[0].uppercased(), parts.count > 1 ? String(parts[1]) : "")
    }
}

@Test func dockerfileBuildsSigilInASwiftStageAndRunsItAsANonRootUser() throws {
    let steps = dockerInstructions(try RepoFile.text("Dockerfile"))
    let froms = steps.filter { $0.0 == "FROM" }.map(\.1)
    #expect(froms == ["${SWIFT_IMAGE} AS build", "${RUNTIME_IMAGE} AS runtime"])
    // The bases can be overridden (the container stage builds on local images); the defaults are the official ones.
    let args = steps.filter { $0.0 == "ARG" }.map(\.1)
    #expect(args.contains { $0.hasPrefix("SWIFT_IMAGE=swift:6.") && $0.hasSuffix("-bookworm") })
    #expect(args.contains("RUNTIME_IMAGE=debian:bookworm-slim"))

    let runtimeStart = try #require(steps.lastIndex { $0.0 == "FROM" })
    let build = steps[..<runtimeStart].filter { $0.0 == "RUN" }.map(\.1).joined(separator: " ")
    let runtime = Array(steps[runtimeStart...])
    for package in ["libsodium-dev", "libmnl-dev", "libcurl4-openssl-dev"] { #expect(build.contains(package)) }
    #expect(build.contains("scripts/build-release.sh"))

    let installs = runtime.filter { $0.0 == "RUN" }.map(\.1).joined(separator: " ")
    for package in ["libsodium23", "libmnl0", "libcurl4", "wireguard-go", "nftables", "netbase"] {
        #expect(installs.contains(" \(package)"), "runtime image lacks \(package)")
    }
    #expect(!installs.contains("ca-certificates"), "Sigil trusts only the CA its etcd backend names (ca_file)")
    #expect(!installs.contains("-dev"), "no build headers in the runtime image")
    #expect(runtime.contains { $0.0 == "COPY" && $0.1.hasPrefix("--from=build ") })
    let user = try #require(runtime.last { $0.0 == "USER" }?.1)
    #expect(!["root", "0", "0:0"].contains(user))
    #expect(installs.contains("useradd") && installs.contains(user))
    #expect(runtime.last { $0.0 == "ENTRYPOINT" }?.1.contains("sigil") == true)
}

@Test func dockerignoreKeepsBuildOutputAndSecretsOutOfTheContext() throws {
    let lines = Set(try RepoFile.text(".dockerignore").split(separator: "\n").map(String.init))
    for pattern in [".build", ".git", "**/secrets", "**/*.key", "compose/.env"] {
        #expect(lines.contains(pattern), "missing \(pattern)")
    }
    // The build stage copies Sources and Tests: nothing it needs may be ignored.
    for needed in ["Sources", "Tests", "Package.swift"] { #expect(!lines.contains(needed)) }
}

/// `[Section] key=value` pairs of a unit file, keys repeated as often as they appear.
func unitKeys(_ text: String) -> [String: [String: [String]]] {
    var out: [String: [String: [String]]] = [:]
    var section = ""
    for raw in text.split(separator: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("#") || line.isEmpty { continue }
        if line.hasPrefix("[") { section = String(line.dropFirst().dropLast()); continue }
        guard let eq = line.firstIndex(of: "=") else { continue }
        out[section, default: [:]][String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
    }
    return out
}

@Test func tunnelUnitIsAOneshotThatBringsTheConfiguredTunnelUpAndDown() throws {
    let unit = unitKeys(try RepoFile.text("wireguard/systemd/sigil-tunnel@.service"))
    #expect(unit["Service"]?["Type"] == ["oneshot"])
    #expect(unit["Service"]?["RemainAfterExit"] == ["yes"])
    #expect(unit["Service"]?["ExecStart"] == ["/usr/local/bin/sigil tunnel up /etc/sigil/%i.conf"])
    #expect(unit["Service"]?["ExecStop"] == ["/usr/local/bin/sigil tunnel down /etc/sigil/%i.conf"])
    #expect(unit["Unit"]?["After"]?.contains { $0.contains("network-online.target") } == true)
    #expect(unit["Unit"]?["Wants"]?.contains { $0.contains("network-online.target") } == true)
    #expect(unit["Service"]?["CapabilityBoundingSet"] == ["CAP_NET_ADMIN"])
}

@Test func signerUnitNeedsTheTunnelAndIsHardened() throws {
    let unit = unitKeys(try RepoFile.text("wireguard/systemd/sigil.service"))
    #expect(unit["Service"]?["ExecStart"] == ["/usr/local/bin/sigil start -c /etc/sigil/tmkms.toml"])
    #expect(unit["Unit"]?["Requires"] == ["sigil-tunnel@wg0.service"])
    #expect(unit["Unit"]?["After"]?.first?.contains("sigil-tunnel@wg0.service") == true)
    let service = try #require(unit["Service"])
    #expect(service["User"] == ["sigil"])
    #expect(service["NoNewPrivileges"] == ["yes"])
    #expect(service["ProtectSystem"] == ["strict"])
    #expect(service["ReadWritePaths"] == ["/etc/sigil/state"])
    #expect(service["CapabilityBoundingSet"] == ["CAP_NET_ADMIN"], "the tunnel guard's one capability")
    #expect(service["AmbientCapabilities"] == ["CAP_NET_ADMIN"])
}

/// systemd's own parser on both units. `verify` exits 0 even for unknown keys, so any output is a failure.
@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
func systemdAnalyzeVerifiesTheUnits() throws {
    let dir = try TempDir("sigil-units")
    defer { dir.remove() }
    // verify insists the binaries exist, so the units point at the built sigil (or /bin/true without one).
    let sigil = FileManager.default.isExecutableFile(atPath: Built.sigil.path) ? Built.sigil.path : "/bin/true"
    func install(_ name: String, as target: String, mutate: (String) -> String = { $0 }) throws {
        let text = try RepoFile.text("wireguard/systemd/\(name)").replacingOccurrences(
            of: "/usr/local/bin/sigil", with: sigil)
        try mutate(text).write(toFile: dir.path(target), atomically: true, encoding: .utf8)
    }
    try install("sigil.service", as: "sigil.service")
    try install("sigil-tunnel@.service", as: "sigil-tunnel@.service")
    let env = ["SYSTEMD_UNIT_PATH": dir.url.path + ":"]
    let (status, output) = try run(
        "/usr/bin/systemd-analyze", ["verify", dir.path("sigil.service"), dir.path("sigil-tunnel@wg0.service")],
        environment: env)
    #expect(status == 0 && output.isEmpty, "\(output)")

    try install("sigil.service", as: "sigil.service") {
        $0.replacingOccurrences(of: "Type=simple", with: "Type=simplex")
    }
    let (_, complaint) = try run("/usr/bin/systemd-analyze", ["verify", dir.path("sigil.service")], environment: env)
    #expect(complaint.contains("simplex"), "a broken unit must be reported: \(complaint)")
}

@Test func exampleConfigsMarkEveryPlaceholder() throws {
    for name in ["validator", "signer"] {
        let text = try RepoFile.text("wireguard/\(name)-wg0.conf.example")
        #expect(text.hasPrefix("# EXAMPLE ONLY"))
        let keyLines = text.split(separator: "\n").filter {
            $0.hasPrefix("PrivateKey") || $0.hasPrefix("PublicKey") || $0.hasPrefix("PresharedKey")
        }
        #expect(keyLines.count == 3)
        #expect(keyLines.allSatisfy { $0.contains("<REPLACE_WITH_") })
    }
}

/// With the placeholders filled in by real keys, wireguard-go accepts both configs and reports back the peer.
@Test(.enabled(if: Tool.canRun && FileManager.default.isExecutableFile(atPath: "/usr/bin/wireguard-go")))
func exampleConfigsLoadIntoARealWireGuardDevice() throws {
    let dir = try TempDir("sigil-wgconf")
    defer { dir.remove() }
    func wg(_ args: [String], input: String? = nil) throws -> String {
        let pipe = input.map { "printf '%s' '\($0)' | " } ?? ""
        let (status, out) = try run("/bin/sh", ["-c", pipe + "wg " + args.joined(separator: " ")])
        try #require(status == 0, "wg \(args): \(out)")
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    let keys = (validator: try wg(["genkey"]), signer: try wg(["genkey"]), psk: try wg(["genpsk"]))
    let pub = (validator: try wg(["pubkey"], input: keys.validator), signer: try wg(["pubkey"], input: keys.signer))
    let fills = [
        "<REPLACE_WITH_VALIDATOR_PRIVATE_KEY>": keys.validator, "<REPLACE_WITH_SIGNER_PRIVATE_KEY>": keys.signer,
        "<REPLACE_WITH_VALIDATOR_PUBLIC_KEY>": pub.validator, "<REPLACE_WITH_SIGNER_PUBLIC_KEY>": pub.signer,
        "<REPLACE_WITH_PRESHARED_KEY>": keys.psk, "<REPLACE_WITH_VALIDATOR_PUBLIC_IP>": "203.0.113.10",
    ]
    let machines = [("validator", pub.signer, "10.200.0.2/32"), ("signer", pub.validator, "10.200.0.1/32")]
    for (name, peer, allowed) in machines {
        var text = try RepoFile.text("wireguard/\(name)-wg0.conf.example")
        for (placeholder, value) in fills { text = text.replacingOccurrences(of: placeholder, with: value) }
        #expect(!text.contains("<REPLACE_WITH"))
        let conf = dir.path("sgex0.conf")
        try text.write(toFile: conf, atomically: true, encoding: .utf8)
        // A private /run so wireguard-go's control socket can't meet anyone else's; the device dies with the netns.
        let script = """
            set -e
            mount -t tmpfs tmpfs /run
            wireguard-go -f sgex0 >/dev/null 2>&1 & pid=$!
            i=0; until [ -S /run/wireguard/sgex0.sock ]; do i=$((i+1)); [ $i -lt 400 ] || exit 9; sleep 0.025; done
            wg-quick strip \(conf) > \(dir.path("stripped.conf"))
            wg setconf sgex0 \(dir.path("stripped.conf"))
            wg showconf sgex0
            kill $pid
            """
        let (status, shown) = try Tool.inFreshNetns(["-m", "sh", "-c", script])
        try #require(status == 0, "\(name): \(shown)")
        #expect(shown.contains("PublicKey = \(peer)"))
        #expect(shown.contains("PresharedKey = \(keys.psk)"))
        #expect(shown.contains("AllowedIPs = \(allowed)"))
        #expect(shown.contains("ListenPort = 51820"))
        #expect(shown.contains("PersistentKeepalive = 25") == (name == "signer"))
        #expect(shown.contains("Endpoint = 203.0.113.10:51820") == (name == "signer"))
    }
}
