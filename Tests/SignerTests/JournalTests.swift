import Foundation
import Glibc
import TestSupport
import Testing
@testable import SignerState

/// The state journal: its record codec (pure), recovery from a record torn at every byte, and the journal on a
/// real disk under ChainState and `StateFiles`.
@Suite struct JournalRecordTests {
    static func state(_ height: Int64, _ tag: UInt8 = 1) -> LastSignState {
        LastSignState(height: height, round: 2, step: .precommit, signature: [UInt8](repeating: tag, count: 64),
                      signBytes: [UInt8](repeating: tag &+ 1, count: 120))
    }

    /// A whole journal file holding the given records, each in its sequence's slot.
    static func file(_ records: [(UInt64, LastSignState)]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: JournalRecord.fileSize)
        for (seq, state) in records {
            let r = JournalRecord.encode(state, sequence: seq)!
            bytes.replaceSubrange(JournalRecord.offset(of: seq)..<JournalRecord.offset(of: seq) + r.count, with: r)
        }
        return bytes
    }

    @Test func roundTripsEveryShape() throws {
        let shapes = [LastSignState.initial, LastSignState(height: 100, round: 2, step: .prevote),
                      Self.state(Int64.max), LastSignState(height: 1, round: Int32.max, step: .propose, signature: [7],
                                                           signBytes: [UInt8](repeating: 9, count: JournalRecord.maxSignBytes))]
        for (i, s) in shapes.enumerated() {
            let r = try #require(JournalRecord.encode(s, sequence: UInt64(i + 1)))
            #expect(r.count == JournalRecord.recordSize)
            #expect(JournalRecord.decode(r[...]) == JournalRecord.Entry(sequence: UInt64(i + 1), state: s))
        }
        let tooBig = LastSignState(height: 1, round: 0, step: .prevote, signature: [1],
                                   signBytes: [UInt8](repeating: 0, count: JournalRecord.maxSignBytes + 1))
        #expect(JournalRecord.encode(tooBig, sequence: 1) == nil)
    }

    @Test func anyFlippedBitIsDetected() throws {
        let good = try #require(JournalRecord.encode(Self.state(5), sequence: 3))
        for i in 0..<good.count {
            var bad = good
            bad[i] ^= 0x10
            #expect(JournalRecord.decode(bad[...]) == nil, "flip at byte \(i) went unnoticed")
        }
    }

    /// Sequence 3 overwrites sequence 1's slot; a crash leaves its first `k` bytes new and the rest old, zero or
    /// garbage. For every k the newest good record wins: sequence 2 until the record is whole, then sequence 3.
    @Test func aRecordTornAtEveryByteRecoversTheLastGoodOne() throws {
        let b = Self.state(20, 2), c = Self.state(30, 3)
        let before = Self.file([(1, Self.state(10, 1)), (2, b)])
        let new = JournalRecord.encode(c, sequence: 3)!
        let slot = JournalRecord.offset(of: 3)
        var rng = SystemRandomNumberGenerator()
        for k in 0...JournalRecord.recordSize {
            for rest in ["old", "zero", "garbage"] {
                var torn = before
                torn.replaceSubrange(slot..<slot + k, with: new[0..<k])
                for i in slot + k..<slot + JournalRecord.recordSize {
                    torn[i] = rest == "old" ? before[i] : rest == "zero" ? 0 : UInt8.random(in: 0...255, using: &rng)
                }
                let whole = Array(torn[slot..<slot + JournalRecord.recordSize]) == new
                let want = whole ? JournalRecord.Entry(sequence: 3, state: c) : JournalRecord.Entry(sequence: 2, state: b)
                #expect(JournalRecord.recover(torn) == .entry(want), "torn at byte \(k), rest \(rest)")
            }
        }
    }

    /// The very first record torn: nothing was released from the journal, so it reads as blank at every byte.
    @Test func aTornFirstRecordReadsAsBlank() throws {
        let new = JournalRecord.encode(Self.state(1), sequence: 1)!
        let slot = JournalRecord.offset(of: 1)
        for k in 0..<JournalRecord.recordSize {
            var torn = [UInt8](repeating: 0, count: JournalRecord.fileSize)
            torn.replaceSubrange(slot..<slot + k, with: new[0..<k])
            #expect(JournalRecord.recover(torn) == .blank, "torn at byte \(k)")
        }
        #expect(JournalRecord.recover(Self.file([(1, Self.state(1))])) == .entry(.init(sequence: 1, state: Self.state(1))))
    }

    @Test func slotsLiveInSeparateBlocksAndAlternate() {
        #expect(JournalRecord.offset(of: 1) != JournalRecord.offset(of: 2))
        #expect(JournalRecord.offset(of: 1) == JournalRecord.offset(of: 3))
        #expect(abs(JournalRecord.offset(of: 1) - JournalRecord.offset(of: 2)) >= 4096)
        var damaged = Self.file([(1, Self.state(1)), (2, Self.state(2))])
        damaged[JournalRecord.offset(of: 1) + 40] ^= 1
        damaged[JournalRecord.offset(of: 2) + 40] ^= 1
        #expect(JournalRecord.recover(damaged) == .damaged)
    }
}

@Suite struct JournalFileTests {
    typealias Vote = FakeSignBytes

    @Test func oneSyncedWritePerSignatureBeforeItIsReleased() throws {
        let dir = try TempDir("journal-calls")
        defer { dir.remove() }
        let fs = RecordingFileSystem()
        let (chain, _) = try ChainState.open(chainID: "c", file: StateFile(path: dir.path("s.json"), fs: fs))
        chain.flushStateFile()
        var st = stat()
        #expect(stat(dir.path("s.json.journal"), &st) == 0 && st.st_size == JournalRecord.fileSize)
        #expect(st.st_mode & 0o777 == 0o600)
        let marker = fs.calls.count
        let signed = try chain.attempt(request: Vote(step: .prevote, height: 3, round: 0, block: "A", time: 1).request,
                                       signer: { _ in [4, 2] })
        #expect(signed == .signed([4, 2]))
        let journalCalls = fs.calls[marker...].filter { $0.hasSuffix(".journal") }
        #expect(Array(journalCalls) == ["pwrite \(dir.path("s.json.journal"))", "fdatasync \(dir.path("s.json.journal"))"])
        #expect(try StateJournal.read(path: dir.path("s.json.journal"), fs: SystemFileSystem())?.state.height == 3)
    }

    @Test(arguments: [FailingFileSystem.Step.pwrite, .fdatasync])
    func aFailedJournalWriteWithholdsTheSignature(step: FailingFileSystem.Step) throws {
        let dir = try TempDir("journal-fail")
        defer { dir.remove() }
        let path = dir.path("s.json")
        let first = Vote(step: .prevote, height: 1, round: 0, block: "A", time: 1)
        do {
            let (chain, _) = try ChainState.open(chainID: "c", path: path)
            _ = try chain.attempt(request: first.request, signer: { _ in [1] })
            chain.flushStateFile()
        }
        let file = StateFile(path: path, fs: FailingFileSystem(failing: step))
        let chain = try ChainState(chainID: "c", file: file, last: try #require(StateFiles.read(path: path)?.state),
                                   stateLock: nil)
        let next = Vote(step: .precommit, height: 1, round: 0, block: "A", time: 1)
        do {
            _ = try chain.attempt(request: next.request, signer: { _ in [2] })
            Issue.record("signed although the journal's \(step) failed")
        } catch {
            #expect("\(error)".contains("\(path).journal") && "\(error)".contains("withheld"), "\(error)")
        }
        #expect(chain.lastSigned.step == .prevote, "the next request is decided against the last released state")
        // A failed pwrite leaves the older slot as it was; after a failed fdatasync the page cache may hold the
        // withheld state, which is only more conservative. Either way the released record is intact.
        let onDisk = try #require(try StateFiles.read(path: path)?.state)
        #expect(step == .fdatasync ? [.prevote, .precommit].contains(onDisk.step) : onDisk.step == .prevote)
        #expect(onDisk.height == 1)
    }

    @Test func theHigherOfJournalAndStateFileWinsOnLoad() throws {
        let dir = try TempDir("journal-load")
        defer { dir.remove() }
        let path = dir.path("s.json")
        do {
            let (chain, _) = try ChainState.open(chainID: "c", path: path)
            _ = try chain.attempt(request: Vote(step: .prevote, height: 7, round: 0, block: "A", time: 1).request,
                                  signer: { _ in [7] })
            chain.flushStateFile()
        }
        // A crash before the state file caught up: the file is behind, the journal wins and the file is mended.
        try StateFile(path: path).persist(LastSignState(height: 6, round: 0, step: .precommit))
        #expect(try StateFiles.read(path: path)?.state.height == 7)
        do {
            let (chain, warnings) = try ChainState.open(chainID: "c", path: path)
            #expect(chain.lastSigned.height == 7 && chain.lastSigned.signature == [7] && warnings.isEmpty)
            #expect(try StateFile(path: path).load()?.0.height == 7)
        }
        // A state file raised alone (a backup restored with a higher watermark) wins over the journal.
        try StateFile(path: path).persist(LastSignState(height: 50, round: 0, step: .precommit))
        #expect(try StateFiles.read(path: path)?.state.height == 50)
        let (chain, _) = try ChainState.open(chainID: "c", path: path)
        #expect(chain.lastSigned.height == 50)
        #expect(try StateJournal.read(path: path + ".journal", fs: SystemFileSystem())?.state.height == 50)
    }

    @Test func aDamagedJournalRefusesToStartWithAFix() throws {
        let dir = try TempDir("journal-damaged")
        defer { dir.remove() }
        let path = dir.path("s.json")
        do { _ = try ChainState.open(chainID: "c", path: path) }
        try Data(repeating: 0xEE, count: JournalRecord.fileSize).write(to: URL(fileURLWithPath: path + ".journal"))
        for open in [{ _ = try ChainState.open(chainID: "c", path: path) }, { _ = try StateFiles.read(path: path) }] {
            do {
                try open()
                Issue.record("a damaged journal was accepted")
            } catch {
                #expect("\(error)".contains("state journal \(path).journal is damaged") && "\(error)".contains("sigil state set"),
                        "\(error)")
            }
        }
    }

    @Test(arguments: ["deleted", "moved"])
    func aJournalGoneFromItsPathWithholdsTheSignature(how: String) throws {
        let dir = try TempDir("journal-gone")
        defer { dir.remove() }
        let (chain, _) = try ChainState.open(chainID: "c", path: dir.path("s.json"))
        if how == "deleted" { unlink(dir.path("s.json.journal")) } else {
            try FileManager.default.moveItem(atPath: dir.path("s.json.journal"), toPath: dir.path("elsewhere"))
        }
        #expect(throws: StateError(code: .persistFailed, reason: "")) {
            try chain.attempt(request: Vote(step: .prevote, height: 1, round: 0, block: "A", time: 1).request,
                              signer: { _ in [1] })
        }
        #expect(chain.lastSigned == .initial)
    }
}
