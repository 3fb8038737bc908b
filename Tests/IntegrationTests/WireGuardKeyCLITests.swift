import Foundation
import Testing
import TestSupport

/// `sigil wg genkey|pubkey|genpsk` as a process, cross-checked with real wg(8).
struct WireGuardKeyCLITests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/wg") || Vectors.isCI))
    func keysMatchWg() throws {
        let (rc, sk) = try WG.exec(Built.sigil.path, ["wg", "genkey"])
        #expect(rc == 0)
        #expect(sk.count == 45 && sk.hasSuffix("=\n"))
        #expect(try WG.pipe(Built.sigil.path, ["wg", "pubkey"], input: sk)
            == WG.pipe("/usr/bin/wg", ["pubkey"], input: sk))
        let theirs = try WG.exec("/usr/bin/wg", ["genkey"]).1
        #expect(try WG.pipe(Built.sigil.path, ["wg", "pubkey"], input: theirs)
            == WG.pipe("/usr/bin/wg", ["pubkey"], input: theirs))
        let (rcP, psk) = try WG.exec(Built.sigil.path, ["wg", "genpsk"])
        #expect(rcP == 0 && psk.count == 45)
        #expect((try? WG.pipe(Built.sigil.path, ["wg", "pubkey"], input: "not a key\n")) == nil)
    }

    @Test func keyFileIsPrivateAndNeverReplaced() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("wg.key")
        #expect(try WG.exec(Built.sigil.path, ["wg", "genkey", "--out", path]).0 == 0)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let (rc, out) = try WG.exec(Built.sigil.path, ["wg", "genkey", "--out", path])
        #expect(rc == 1)
        #expect(out.contains("already exists"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }
}
