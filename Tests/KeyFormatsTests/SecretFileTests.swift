import Foundation
import KeyFormats
import Testing
import TestSupport

struct SecretFileTests {
    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o606])
    func groupOrWorldAccessibleFilesAreRefused(mode: Int) throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.file("key", Array("secret".utf8), mode: mode)
        let error = try #require(keyFormatError { try SecretFile.readChecked(path) })
        #expect(error.code == .insecurePermissions)
        #expect(error.description.contains("`\(path)'"))
        #expect(error.description.contains("mode 0" + String(mode, radix: 8)))
        #expect(error.description.contains("chmod 600 \(path)"))
    }

    @Test(arguments: [0o600, 0o400])
    func ownerOnlyFilesAreRead(mode: Int) throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = try s.file("key", Array("secret\n".utf8), mode: mode)
        #expect(try SecretFile.readChecked(path) == Array("secret\n".utf8))
    }

    @Test func missingFileIsNamed() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = s.dir.path("nope.key")
        let error = try #require(keyFormatError { try SecretFile.readChecked(path) })
        #expect(error.code == .missingFile)
        #expect(error.description == "key file `\(path)' does not exist")
    }

    @Test func symlinksAndDirectoriesAreRefused() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let target = try s.file("real", Array("x".utf8))
        let link = s.dir.path("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(errorCode { try SecretFile.readChecked(link) } == .unreadable)
        let sub = s.dir.path("sub")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        #expect(errorCode { try SecretFile.readChecked(sub) } == .notRegularFile)
    }

    @Test func createExclusiveMakesA0600FileAndNeverOverwrites() throws {
        let s = try Scratch()
        defer { s.dir.remove() }
        let path = s.dir.path("new.key")
        try SecretFile.createExclusive(path: path, contents: Array("first".utf8))
        #expect(try s.mode(path) == 0o600)
        #expect(try SecretFile.readChecked(path) == Array("first".utf8))

        let error = try #require(keyFormatError { try SecretFile.createExclusive(path: path, contents: [1]) })
        #expect(error.code == .alreadyExists)
        #expect(error.description.contains("`\(path)'"))
        #expect(try SecretFile.readChecked(path) == Array("first".utf8))
    }

    @Test func createExclusiveInAMissingDirectoryNamesThePath() throws {
        let path = "/nonexistent-sigil-dir/key"
        let error = try #require(keyFormatError { try SecretFile.createExclusive(path: path, contents: [1]) })
        #expect(error.code == .writeFailed)
        #expect(error.description.contains(path))
    }
}
