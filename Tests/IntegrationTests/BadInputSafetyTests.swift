import Foundation
import Glibc
import TestSupport
import Testing

/// What the catalogue's table cannot express: destructive commands check their target, generated files survive
/// odd paths, and leftovers of interrupted writes are cleaned up without touching anything else.
@Suite struct BadInputSafetyTests {
    /// wg-quick refuses to take down a link that is not WireGuard; so must `sigil tunnel down` (it could be docker0).
    @Test(.enabled(if: WG.rootEnabled)) func tunnelDownLeavesOtherLinksAlone() throws {
        let ns = WG.unique("sigil-down-")
        try WG.ip(["netns", "add", ns])
        defer { _ = try? WG.exec("/usr/sbin/ip", ["netns", "del", ns]) }
        try WG.ip(["-n", ns, "link", "add", "docker0", "type", "veth", "peer", "name", "vpeer"])
        for target in ["docker0", "docker0.conf", "lo"] {
            let (rc, out) = try WG.exec("/usr/sbin/ip", ["netns", "exec", ns, Built.sigil.path, "tunnel", "down", target])
            #expect(rc == 1, "\(out)")
            let name = target.replacingOccurrences(of: ".conf", with: "")
            let kind = name == "lo" ? "none" : "veth"
            #expect(out == "error: interface \(name) is not WireGuard (kind \(kind)); refusing to delete it. Check the "
                + "config name, or remove the link yourself if it really is yours\n")
        }
        #expect((try? WG.ip(["-n", ns, "link", "show", "docker0"])) != nil, "docker0 is still there")
    }

    /// A `"` in the home directory is escaped in the generated tmkms.toml, which then reads back: `sigil start`
    /// gets past the TOML and stops at the missing consensus key, as for any fresh home.
    @Test func initEscapesItsPaths() throws {
        let dir = try TempDir("sigil-init-quote")
        defer { dir.remove() }
        let home = dir.path("ho\"me\\x")
        let (rc, out) = try run(Built.sigil.path, ["init", home])
        #expect(rc == 0, "\(out)")
        let text = try String(contentsOfFile: home + "/tmkms.toml", encoding: .utf8)
        #expect(text.contains("state_file = \"\(dir.path("ho\\\"me\\\\x"))/state/kira-1_priv_validator_state.json\""))
        let (rc2, out2) = try run(Built.sigil.path, ["start", "-c", home + "/tmkms.toml"])
        #expect(rc2 == 1)
        #expect(out2.contains("path = \"\(home)/secrets/priv_validator_key.json\": not found"), "\(out2)")
    }

    @Test func provisionEscapesTheSignerHome() throws {
        let dir = try TempDir("sigil-provision-quote")
        defer { dir.remove() }
        let (rc, out) = try run(Built.sigil.path, BadInput.provisionBase.dropLast(2) + [
            "--out", dir.path("b"), "--signer-home", "/etc/si\"gil"])
        #expect(rc == 0, "\(out)")
        let text = try String(contentsOfFile: dir.path("b/signer/tmkms.toml"), encoding: .utf8)
        #expect(text.contains("secret_key = \"/etc/si\\\"gil/secrets/kms-identity.key\""), "\(text)")
        let (rc2, out2) = try run(Built.sigil.path, ["start", "-c", dir.path("b/signer/tmkms.toml")])
        #expect(rc2 == 1)
        #expect(out2.contains("\"/etc/si\"gil/secrets/priv_validator_key.json\": not found"), "\(out2)")
    }

    /// Temporary files of interrupted state writes are removed under the state lock; nothing else is.
    @Test func staleStateTempFilesAreRemovedUnderTheLock() throws {
        let box = try Sandbox()
        defer { box.dir.remove() }
        let stale = ["state/.kira-1_priv_validator_state.json.tmp-4242-123456", "state/.kira-1_priv_validator_state.json.tmp-1-2"]
        let kept = ["state/.kira-1_priv_validator_state.json.tmp-x-1", "state/.other.json.tmp-1-2",
                    "state/kira-1_priv_validator_state.json.tmp-1-2", "state/notes.txt"]
        for f in stale + kept { try box.write(f, "{}") }
        try box.mkdir("state/.kira-1_priv_validator_state.json.tmp-7-7")
        let (rc, out) = try run(Built.sigil.path, ["state", "set", box.path("state/kira-1_priv_validator_state.json"),
                                                   "--height", "9"])
        #expect(rc == 0, "\(out)")
        for f in stale { #expect(!FileManager.default.fileExists(atPath: box.path(f)), "\(f) removed") }
        for f in kept + ["state/.kira-1_priv_validator_state.json.tmp-7-7"] {
            #expect(FileManager.default.fileExists(atPath: box.path(f)), "\(f) kept")
        }
    }

    /// While a signer holds the lock, `state set` is refused and removes nothing, even files of the pattern.
    @Test func tempFilesStayWhileAnotherProcessHoldsTheLock() throws {
        let box = try Sandbox()
        defer { box.dir.remove() }
        let temp = "state/.kira-1_priv_validator_state.json.tmp-4242-1"
        try box.write(temp, "{}")
        let lockPath = box.path("state/kira-1_priv_validator_state.json.lock")
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let (rc, out) = try run(Built.sigil.path, ["state", "set", box.path("state/kira-1_priv_validator_state.json"),
                                                   "--height", "9"])
        #expect(rc == 1)
        #expect(out.hasPrefix("error: state lock") && out.contains("stop it first"), "\(out)")
        #expect(FileManager.default.fileExists(atPath: box.path(temp)))
    }
}
