import Foundation
import SigilCrypto
import TestSupport
import Testing
@testable import SignerConfig
@testable import SignerState

@Suite struct StateFileFormatTests {
    @Test(.enabled(if: Vectors.available("state/cometbft/TestUnmarshalValidatorState.json")))
    func cometbftUnmarshalVectorRoundTrips() throws {
        let bytes = [UInt8](try Vectors.data("state/cometbft/TestUnmarshalValidatorState.json"))
        let (state, origin) = try StateFileFormat.decode(bytes, path: "v.json")
        #expect(origin == .cometbft)
        #expect(state == LastSignState(height: 1, round: 1, step: .propose))
        // Upstream asserts JSONEq(marshal(parse(x)), x).
        #expect(try jsonObject(StateFileFormat.encode(state)) == jsonObject(bytes))
    }

    @Test(.enabled(if: Vectors.available("state/cometbft/test_priv_validator_state.json")))
    func cometbftInitialStateVector() throws {
        let bytes = [UInt8](try Vectors.data("state/cometbft/test_priv_validator_state.json"))
        let (state, origin) = try StateFileFormat.decode(bytes, path: "v.json")
        #expect(origin == .cometbft)
        #expect(state == .initial)
        #expect(try jsonObject(StateFileFormat.encode(.initial)) == jsonObject(bytes))
    }

    /// tendermint-rs's own tests use step 6, which is not a tmkms step: the shape parses, the import refuses it.
    @Test(arguments: ["state_deser_update_null_test.json", "state_deser_update_total_test.json"])
    func tendermintRsVectors(name: String) throws {
        let path = "state/tendermint-rs/\(name)"
        try #require(Vectors.available(path))
        let bytes = [UInt8](try Vectors.data(path))
        let raw = try StateFileFormat.decodeRaw(bytes)
        #expect(raw.origin == .tmkms)
        #expect(raw.height == 5 && raw.round == 1 && raw.step == 6)
        let hash = "1234567890123456789012345678901234567890123456789012345678901234"
        #expect(raw.blockIDHash == (name.contains("null") ? nil : hash))
        #expect(throws: StateError(code: .invalid, reason: "")) { try StateFileFormat.decode(bytes, path: name) }
        do {
            _ = try StateFileFormat.decode(bytes, path: name)
        } catch {
            #expect(error.description.contains("\(name) is not a valid CometBFT or tmkms state: step 6 is not a tmkms"))
        }
    }

    /// examples.json's tmkms cases use tmkms steps 0-2; imported they become FilePV steps 1-3.
    @Test(.enabled(if: Vectors.available("state/examples.json")))
    func tmkmsStatesFromExamplesImportWithStepPlusOne() throws {
        let examples = try #require(try Vectors.json("state/examples.json") as? [String: Any])
        let transitions = try #require(examples["tmkms_state_transitions"] as? [String: Any])
        let cases = try #require(transitions["cases"] as? [[String: Any]])
        #expect(cases.count == 7)
        for c in cases {
            for key in ["last_state", "new_state"] {
                let s = try #require(c[key] as? [String: Any])
                let height = try #require(s["height"] as? Int), round = try #require(s["round"] as? Int)
                let step = try #require(s["step"] as? Int)
                var blockID = "null"
                if let b = s["block_id"] as? [String: Any], let hash = b["hash_hex_upper"] as? String {
                    blockID = #"{"hash":"\#(hash)","parts":{"total":0,"hash":""}}"#
                }
                let text = #"{"height":"\#(height)","round":"\#(round)","step":\#(step),"block_id":\#(blockID)}"#
                let (state, origin) = try StateFileFormat.decode(Array(text.utf8), path: "tmkms.json")
                #expect(origin == .tmkms)
                #expect(state.height == Int64(height) && state.round == Int32(round))
                #expect(state.step.rawValue == Int8(step + 1), "\(c["name"] ?? "") \(key)")
                #expect(state.signBytes.isEmpty && state.signature.isEmpty)
            }
        }
    }

    @Test func encodeMatchesFilePVLayout() throws {
        let state = LastSignState(
            height: 12345, round: 2, step: .precommit, signature: [0xde, 0xad], signBytes: [0xab, 0x01])
        let text = String(decoding: StateFileFormat.encode(state), as: UTF8.self)
        #expect(text == """
            {
              "height": "12345",
              "round": 2,
              "step": 3,
              "signature": "3q0=",
              "signbytes": "AB01"
            }
            """)
        #expect(try StateFileFormat.decode(Array(text.utf8), path: "x").0 == state)
    }

    @Test func horcruxShapeIsReadAsCometBFT() throws {
        let text = #"{"height":"7","round":"1","step":2,"nonce_public":null,"signature":"3q0=","signbytes":"ab01"}"#
        let (state, origin) = try StateFileFormat.decode(Array(text.utf8), path: "h.json")
        #expect(origin == .cometbft)
        let want = LastSignState(height: 7, round: 1, step: .prevote, signature: [0xde, 0xad], signBytes: [0xab, 1])
        #expect(state == want)
    }

    @Test(arguments: [
        ("", "not valid JSON"),
        ("[]", "not a JSON object"),
        (#"{"round":0,"step":0}"#, "`height` is missing"),
        (#"{"height":"x","round":0,"step":0}"#, "\"x\" is not an integer"),
        (#"{"height":true,"round":0,"step":0}"#, "`height` has the wrong type"),
        (#"{"height":"1","round":1.5,"step":0}"#, "a number that is not a 64-bit integer"),
        (#"{"height":"-1","round":0,"step":0}"#, "height -1 is negative"),
        (#"{"height":"1","round":-2,"step":0}"#, "round -2 is not a round number"),
        (#"{"height":"1","round":0,"step":4}"#, "step 4 is not a CometBFT (0-3) step"),
        (#"{"height":"1","round":"0","step":3,"block_id":null}"#, "step 3 is not a tmkms"),
        (#"{"height":"1","round":0,"step":1,"signature":"%%"}"#, "signature is not base64"),
        (#"{"height":"1","round":0,"step":1,"signature":"3q0"}"#, "signature is not base64"),
        (#"{"height":"1","round":0,"step":1,"signbytes":"XYZ"}"#, "signbytes is not hex"),
        (#"{"height":"1","round":0,"step":1,"signbytes":7}"#, "`signbytes` has the wrong type"),
    ])
    func invalidFiles(text: String, mentions: String) {
        do {
            let state = try StateFileFormat.decode(Array(text.utf8), path: "/s/state.json")
            Issue.record("accepted \(state)")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.description.hasPrefix("state file /s/state.json is not a valid"), "\(error)")
            #expect(error.description.contains(mentions), "\(error)")
        }
    }

    private func jsonObject(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }
}

@Suite struct StateFileDiskTests {
    @Test func persistThenLoadOnRealDisk() throws {
        let dir = try TempDir("state-file")
        defer { dir.remove() }
        let file = StateFile(path: dir.path("c_priv_validator_state.json"))
        #expect(try file.load() == nil)
        let state = LastSignState(height: 9, round: 0, step: .prevote, signature: [1, 2], signBytes: [3, 4])
        try file.persist(state)
        #expect(try file.load()?.0 == state)
        try file.persist(LastSignState(height: 10, round: 0, step: .propose, signature: [5], signBytes: [6]))
        #expect(try file.load()?.0.height == 10)
        // Nothing but the state file is left behind, and it is private like FilePV's.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["c_priv_validator_state.json"])
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func writesTempFileThenFsyncsThenRenamesThenFsyncsDirectory() throws {
        let dir = try TempDir("state-order")
        defer { dir.remove() }
        let fs = RecordingFileSystem()
        let file = StateFile(path: dir.path("s.json"), fs: fs)
        try file.persist(LastSignState(height: 1, round: 0, step: .propose, signature: [1], signBytes: [2]))
        let calls = fs.calls.map { $0.split(separator: " ")[0] }
        #expect(calls == ["create", "write", "fsync", "close", "rename", "opendir", "fsync", "close"])
        #expect(fs.calls[4].hasSuffix(" \(dir.path("s.json"))"))
        #expect(fs.calls[6] == "fsync \(dir.url.path)")
    }

    @Test(arguments: FailingFileSystem.Step.stateFileSteps)
    func injectedFailureThrowsAndLeavesOldStateAndNoTempFile(step: FailingFileSystem.Step) throws {
        let dir = try TempDir("state-fail")
        defer { dir.remove() }
        let path = dir.path("s.json")
        let old = LastSignState(height: 4, round: 0, step: .precommit, signature: [1], signBytes: [2])
        try StateFile(path: path).persist(old)
        let file = StateFile(path: path, fs: FailingFileSystem(failing: step))
        do {
            try file.persist(LastSignState(height: 5, round: 0, step: .propose, signature: [3], signBytes: [4]))
            Issue.record("persist succeeded despite a failing \(step)")
        } catch {
            #expect(error.code == .persistFailed)
            #expect(error.description.contains("cannot save state file \(path)"), "\(error)")
            #expect(error.description.contains("Input/output error"), "\(error)")
        }
        let onDisk = try StateFile(path: path).load()?.0
        // Before the rename the old state must survive; the directory is opened and synced after it.
        let afterRename = step == .openDirectory || step == .fsyncDirectory
        #expect(onDisk?.height == (afterRename ? 5 : 4))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["s.json"])
    }

    @Test func realFailureWhenTheDirectoryIsGone() throws {
        let dir = try TempDir("state-gone")
        let file = StateFile(path: dir.path("s.json"))
        try file.persist(.initial)
        dir.remove()
        #expect(throws: StateError(code: .persistFailed, reason: "")) {
            try file.persist(LastSignState(height: 1, round: 0, step: .propose, signature: [1], signBytes: [2]))
        }
    }

    @Test func endlessFileIsRefused() throws {
        do {
            _ = try StateFile(path: "/dev/zero").load()
            Issue.record("read /dev/zero as a state file")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("cannot read state file /dev/zero: File too large"), "\(error)")
        }
    }

    @Test func unreadableFileIsAnError() throws {
        let dir = try TempDir("state-unreadable")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path("s.json"), withIntermediateDirectories: false)
        do {
            _ = try StateFile(path: dir.path("s.json")).load()
            Issue.record("a directory was read as a state file")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("cannot read state file \(dir.path("s.json"))"), "\(error)")
        }
    }
}

/// Records the calls made on the real file system, in order.
final class RecordingFileSystem: StateFileSystem, @unchecked Sendable {
    private let real = SystemFileSystem()
    private let lock = NSLock()
    private var log: [String] = []
    var calls: [String] { lock.lock(); defer { lock.unlock() }; return log }
    private func note(_ s: String) { lock.lock(); log.append(s); lock.unlock() }
    private var paths: [Int32: String] = [:]

    func read(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8]? { try real.read(path, limit: limit) }
    func isDirectory(_ path: String) -> Bool { real.isDirectory(path) }
    func createExclusive(_ path: String, mode: mode_t) throws(SystemCallError) -> Int32 {
        note("create \(path)")
        let fd = try real.createExclusive(path, mode: mode)
        lock.lock(); paths[fd] = path; lock.unlock()
        return fd
    }
    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError) {
        note("write \(path)")
        try real.write(fd, bytes, path: path)
    }
    func fsync(_ fd: Int32, path: String) throws(SystemCallError) {
        note("fsync \(path)")
        try real.fsync(fd, path: path)
    }
    func close(_ fd: Int32) { note("close \(fd)"); real.close(fd) }
    func rename(_ from: String, _ to: String) throws(SystemCallError) {
        note("rename \(from) \(to)")
        try real.rename(from, to)
    }
    func openDirectory(_ path: String) throws(SystemCallError) -> Int32 {
        note("opendir \(path)")
        return try real.openDirectory(path)
    }
    func unlink(_ path: String) { note("unlink \(path)"); real.unlink(path) }
    func openReadWrite(_ path: String) throws(SystemCallError) -> Int32 { try real.openReadWrite(path) }
    func pwrite(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(SystemCallError) {
        note("pwrite \(path)")
        try real.pwrite(fd, bytes, offset: offset, path: path)
    }
    func fdatasync(_ fd: Int32, path: String) throws(SystemCallError) {
        note("fdatasync \(path)")
        try real.fdatasync(fd, path: path)
    }
    func stillNames(_ path: String, _ fd: Int32) throws(SystemCallError) -> Bool { try real.stillNames(path, fd) }
}

/// The real file system with one step made to fail with EIO. A mock only for the failure: a full or failing
/// disk cannot be produced in-process; `realFailureWhenTheDirectoryIsGone` covers a real one.
struct FailingFileSystem: StateFileSystem {
    enum Step: String, CaseIterable, Sendable {
        case create, write, fsyncFile, rename, openDirectory, fsyncDirectory, pwrite, fdatasync
        /// The JSON state file's replace; pwrite and fdatasync are the journal's.
        static let stateFileSteps: [Step] = [.create, .write, .fsyncFile, .rename, .openDirectory, .fsyncDirectory]
    }
    let failing: Step
    private let real = SystemFileSystem()

    init(failing: Step) { self.failing = failing }

    private func fail(_ step: Step, _ call: String, _ path: String) throws(SystemCallError) {
        if step == failing { throw SystemCallError(call: call, path: path, errno: EIO) }
    }

    func read(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8]? { try real.read(path, limit: limit) }
    func isDirectory(_ path: String) -> Bool { real.isDirectory(path) }
    func createExclusive(_ path: String, mode: mode_t) throws(SystemCallError) -> Int32 {
        try fail(.create, "open", path)
        return try real.createExclusive(path, mode: mode)
    }
    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError) {
        try fail(.write, "write", path)
        try real.write(fd, bytes, path: path)
    }
    func fsync(_ fd: Int32, path: String) throws(SystemCallError) {
        try fail(path.hasSuffix(".json") || path.contains(".tmp-") ? .fsyncFile : .fsyncDirectory, "fsync", path)
        try real.fsync(fd, path: path)
    }
    func close(_ fd: Int32) { real.close(fd) }
    func rename(_ from: String, _ to: String) throws(SystemCallError) {
        try fail(.rename, "rename", from)
        try real.rename(from, to)
    }
    func openDirectory(_ path: String) throws(SystemCallError) -> Int32 {
        try fail(.openDirectory, "open", path)
        return try real.openDirectory(path)
    }
    func unlink(_ path: String) { real.unlink(path) }
    func openReadWrite(_ path: String) throws(SystemCallError) -> Int32 { try real.openReadWrite(path) }
    func pwrite(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(SystemCallError) {
        try fail(.pwrite, "pwrite", path)
        try real.pwrite(fd, bytes, offset: offset, path: path)
    }
    func fdatasync(_ fd: Int32, path: String) throws(SystemCallError) {
        try fail(.fdatasync, "fdatasync", path)
        try real.fdatasync(fd, path: path)
    }
    func stillNames(_ path: String, _ fd: Int32) throws(SystemCallError) -> Bool { try real.stillNames(path, fd) }
}

@Suite struct StateFilesTests {
    @Test func writeThenReadAndRefuseWhileASignerRuns() throws {
        let dir = try TempDir("state-files")
        defer { dir.remove() }
        let path = dir.path("s.json")
        #expect(try StateFiles.read(path: path) == nil)
        let state = LastSignState(height: 77, round: 1, step: .prevote)
        try StateFiles.write(state, path: path)
        let read = try #require(try StateFiles.read(path: path))
        #expect(read.state == state && !read.fromTmkms)
        #expect(StateFiles.render(state) == "{\n  \"height\": \"77\",\n  \"round\": 1,\n  \"step\": 2\n}")

        let (running, _) = try ChainState.open(chainID: "c", path: path)
        #expect(throws: StateError(code: .locked, reason: "")) {
            try StateFiles.write(.initial, path: path)
        }
        #expect(try StateFiles.read(path: path)?.state == state)
        _ = running
    }

    @Test func readsTmkmsFiles() throws {
        let dir = try TempDir("state-files-tmkms")
        defer { dir.remove() }
        let path = dir.path("s.json")
        try Data(#"{"height":"9","round":"0","step":2,"block_id":null}"#.utf8).write(to: URL(fileURLWithPath: path))
        let read = try #require(try StateFiles.read(path: path))
        #expect(read.fromTmkms && read.state == LastSignState(height: 9, round: 0, step: .precommit))
    }
}
