import Foundation
import Glibc
import Testing
import TestSupport
@testable import WireGuard

struct KeyFileTests {
    @Test func writesMode0600EvenWithPermissiveUmask() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("private.key")
        let old = umask(0)
        defer { umask(old) }
        let key = WireGuardKey.generatePrivate()
        try KeyFile.write(key, to: path)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key.base64 + "\n")
        #expect(try KeyFile.readPrivateKey(path) == key)
    }

    @Test func refusesToOverwrite() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("k")
        try KeyFile.write(.generatePrivate(), to: path)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: WireGuardError(code: .keyFile, reason: "")) { try KeyFile.write(.generatePrivate(), to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }

    @Test(arguments: [0o640, 0o604, 0o644])
    func refusesReadableKeyFiles(mode: Int) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("loose.key")
        try KeyFile.write(.generatePrivate(), to: path)
        chmod(path, mode_t(mode))
        do {
            _ = try KeyFile.readPrivateKey(path)
            Issue.record("mode \(String(mode, radix: 8)) was accepted")
        } catch let e as WireGuardError {
            #expect(e.code == .insecureKeyFile)
            #expect(e.reason.contains(path))
            #expect(e.reason.contains(String(mode, radix: 8)))
            #expect(e.reason.contains("chmod 600"))
        }
    }
}
