import Foundation
import TestSupport
import Testing
@testable import SignerConfig
@testable import SignerState

@Suite struct ChainStateTests {
    /// A signer that never returns the same bytes twice, so a second signing at one HRS would show.
    final class CountingSigner: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var count = 0
        func sign(_ bytes: [UInt8]) -> [UInt8] {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            return Array("signature #\(count) over \(bytes.count) bytes".utf8)
        }
    }

    @Test func missingFileStartsAtZeroWithWarningAndWritesIt() throws {
        let dir = try TempDir("chain-missing")
        defer { dir.remove() }
        let path = dir.path("kira-1_priv_validator_state.json")
        let (chain, warnings) = try ChainState.open(chainID: "kira-1", path: path)
        #expect(chain.lastSigned == .initial)
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("no state file at \(path) for chain kira-1: starting from height 0"))
        #expect(try StateFile(path: path).load()?.0 == .initial)
    }

    @Test func signPersistsBeforeReturningAndReusesForRetries() throws {
        let dir = try TempDir("chain-sign")
        defer { dir.remove() }
        let path = dir.path("s.json")
        let (chain, _) = try ChainState.open(chainID: "c", path: path)
        let signer = CountingSigner()
        let vote = FakeSignBytes(step: .prevote, height: 5, round: 0, block: "A", time: 10)

        let first = try chain.attempt(request: vote.request, signer: signer.sign)
        guard case .signed(let signature) = first else { Issue.record("got \(first)"); return }
        // Durable in the journal when sign returns; the state file follows off the signing path.
        let journaled = try #require(try StateJournal.read(path: path + ".journal", fs: SystemFileSystem()))
        #expect(journaled.state == LastSignState(signed: vote.request, signature: signature))
        chain.flushStateFile()
        let onDisk = try #require(try StateFile(path: path).load()?.0)
        #expect(onDisk == LastSignState(signed: vote.request, signature: signature))

        let retry = try chain.attempt(request: vote.request, signer: signer.sign)
        #expect(retry == .reused(signature, nil))
        let later = FakeSignBytes(step: .prevote, height: 5, round: 0, block: "A", time: 99)
        let reused = try chain.attempt(request: later.request, signer: signer.sign)
        #expect(reused == .reused(signature, SignTimestamp(seconds: 10, nanos: 0)))
        let other = FakeSignBytes(step: .prevote, height: 5, round: 0, block: "B", time: 10)
        guard case .refused(let refusal) = try chain.attempt(request: other.request, signer: signer.sign) else {
            Issue.record("conflicting vote was not refused"); return
        }
        #expect(refusal.code == .conflictingData)
        #expect(signer.count == 1)
    }

    @Test func refusalsAreThrownAsRefusal() throws {
        let dir = try TempDir("chain-refusal")
        defer { dir.remove() }
        let (chain, _) = try ChainState.open(chainID: "c", path: dir.path("s.json"))
        let a = FakeSignBytes(step: .precommit, height: 2, round: 0, block: "A", time: 1)
        let b = FakeSignBytes(step: .precommit, height: 2, round: 0, block: "B", time: 1)
        let signed = try chain.sign(request: a.request, signer: { _ in [5] })
        #expect(signed == SignOutcome(signature: [5], reused: false))
        #expect(throws: Refusal(code: .conflictingData, reason: "")) {
            try chain.sign(request: b.request, signer: { _ in [6] })
        }
    }

    @Test func stateSurvivesReopening() throws {
        let dir = try TempDir("chain-reopen")
        defer { dir.remove() }
        let path = dir.path("s.json")
        let vote = FakeSignBytes(step: .precommit, height: 8, round: 1, block: "A", time: 1)
        var signature: [UInt8] = []
        do {
            let (chain, _) = try ChainState.open(chainID: "c", path: path)
            guard case .signed(let s) = try chain.attempt(request: vote.request, signer: { _ in [7, 7] }) else {
                Issue.record("not signed"); return
            }
            signature = s
        }
        let (reopened, warnings) = try ChainState.open(chainID: "c", path: path)
        #expect(warnings.isEmpty)
        let retry = try reopened.attempt(request: vote.request, signer: { _ in [9] })
        #expect(retry == .reused(signature, nil))
        let older = FakeSignBytes(step: .precommit, height: 7, round: 0, block: "A", time: 1)
        guard case .refused(let r) = try reopened.attempt(request: older.request, signer: { _ in [9] }) else {
            Issue.record("regression not refused"); return
        }
        #expect(r.code == .heightRegression)
    }

    @Test func tmkmsStateIsImportedWithWarningAndRewrittenAtFirstSignature() throws {
        let dir = try TempDir("chain-tmkms")
        defer { dir.remove() }
        let path = dir.path("s.json")
        let tmkms = #"{"height":"100","round":"2","step":1,"block_id":null}"#
        try Data(tmkms.utf8).write(to: URL(fileURLWithPath: path))
        let (chain, warnings) = try ChainState.open(chainID: "c", path: path)
        #expect(chain.lastSigned == LastSignState(height: 100, round: 2, step: .prevote))
        #expect(warnings.count == 1 && warnings[0].contains("imported tmkms state for chain c"))
        #expect(warnings[0].contains("h/r/s 100/2/2"))
        // Untouched until the first signature.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == tmkms)

        let same = FakeSignBytes(step: .prevote, height: 100, round: 2, block: "A", time: 1)
        guard case .refused(let r) = try chain.attempt(request: same.request, signer: { _ in [1] }) else {
            Issue.record("same HRS after a tmkms import was not refused"); return
        }
        #expect(r.code == .noSignBytes)
        let next = FakeSignBytes(step: .precommit, height: 100, round: 2, block: "A", time: 1)
        #expect(try chain.attempt(request: next.request, signer: { _ in [1] }) == .signed([1]))
        chain.flushStateFile()
        #expect(try StateFile(path: path).load()?.1 == .cometbft)
    }

    @Test func unparsableStateRefusesToStart() throws {
        let dir = try TempDir("chain-bad")
        defer { dir.remove() }
        let path = dir.path("s.json")
        try Data("{\"height\": 12".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StateError(code: .invalid, reason: "")) { try ChainState.open(chainID: "c", path: path) }
    }

    @Test(arguments: [false, true])
    func missingDirectoryIsNamed(pathIsAFile: Bool) throws {
        let dir = try TempDir("chain-nodir")
        defer { dir.remove() }
        if pathIsAFile { try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path("state"))) }
        let path = dir.path("state/s.json")
        do {
            _ = try ChainState.open(chainID: "c", path: path)
            Issue.record("opened a state file in a missing directory")
        } catch {
            #expect(error.code == .missingDirectory)
            #expect(error.description.contains("directory \(dir.path("state")) for state file \(path) does not exist"))
        }
        #expect(throws: StateError(code: .missingDirectory, reason: "")) {
            try StateFiles.write(.initial, path: path)
        }
    }

    @Test func secondOpenInTheSameProcessIsLockedOut() throws {
        let dir = try TempDir("chain-lock")
        defer { dir.remove() }
        let path = dir.path("s.json")
        var first: ChainState? = try ChainState.open(chainID: "c", path: path).0
        do {
            _ = try ChainState.open(chainID: "c", path: path)
            Issue.record("second open succeeded")
        } catch {
            #expect(error.code == .locked)
            #expect(error.description.contains("state lock \(path).lock is held by another process (held by pid "))
            #expect(error.description.contains("(held by pid \(getpid()))"))
            #expect(error.description.contains("another sigil is already running"))
        }
        #expect(first != nil)
        first = nil
        #expect(throws: Never.self) { try ChainState.open(chainID: "c", path: path) }
    }

    /// A real second process (util-linux `flock`, not forking so killing it frees the lock) holds the lock; then
    /// the roles swap.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func lockIsExclusiveAcrossProcesses() throws {
        let dir = try TempDir("chain-flock")
        defer { dir.remove() }
        let path = dir.path("s.json")
        let holder = try Child(
            URL(fileURLWithPath: "/usr/bin/flock"),
            ["--no-fork", path + ".lock", "sh", "-c", "echo held; exec sleep 60"])
        defer { holder.kill() }
        #expect(holder.waitForOutput(timeout: 10) { $0.contains("held") })
        #expect(throws: StateError(code: .locked, reason: "")) { try ChainState.open(chainID: "c", path: path) }
        holder.kill()
        _ = holder.wait()

        let (chain, _) = try ChainState.open(chainID: "c", path: path)
        let probe = try Child(URL(fileURLWithPath: "/usr/bin/flock"), ["-n", path + ".lock", "true"])
        #expect(probe.wait() == 1)
        _ = chain
    }

    @Test func sentriesAskingConcurrentlyGetTheIdenticalSignature() throws {
        let dir = try TempDir("chain-threads")
        defer { dir.remove() }
        let (chain, _) = try ChainState.open(chainID: "c", path: dir.path("s.json"))
        let signer = CountingSigner()
        let results = Results()
        for height in Int64(1)...20 {
            let vote = FakeSignBytes(step: .precommit, height: height, round: 0, block: "A", time: height)
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                // Half the sentries carry a later timestamp, as a retried vote would.
                var v = vote
                if i % 2 == 1 { v = FakeSignBytes(step: .precommit, height: height, round: 0, block: "A", time: 1000) }
                results.add(height, Result { try chain.attempt(request: v.request, signer: signer.sign) })
            }
        }
        for height in Int64(1)...20 {
            let outcomes = try results.outcomes(height).map { try $0.get() }
            let signatures = outcomes.map { outcome -> [UInt8] in
                switch outcome {
                case .signed(let s), .reused(let s, _): return s
                case .refused(let r): return Array("refused \(r)".utf8)
                }
            }
            #expect(outcomes.count == 8)
            // The first caller signs, with whichever timestamp it carried; every sentry gets that signature.
            #expect(Set(signatures).count == 1, "height \(height): \(Set(signatures).count) different signatures")
            #expect(outcomes.filter { if case .signed = $0 { true } else { false } }.count == 1)
        }
        #expect(signer.count == 20)
    }

    @Test func conflictingConcurrentRequestsSignOnlyOnce() throws {
        let dir = try TempDir("chain-race")
        defer { dir.remove() }
        let (chain, _) = try ChainState.open(chainID: "c", path: dir.path("s.json"))
        let signer = CountingSigner()
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let vote = FakeSignBytes(step: .prevote, height: 3, round: 0, block: "block-\(i)", time: 1)
            results.add(3, Result { try chain.attempt(request: vote.request, signer: signer.sign) })
        }
        let outcomes = try results.outcomes(3).map { try $0.get() }
        #expect(outcomes.filter { if case .signed = $0 { true } else { false } }.count == 1)
        let conflicts = outcomes.filter { if case .refused(let r) = $0 { r.code == .conflictingData } else { false } }
        #expect(conflicts.count == 15)
        #expect(signer.count == 1)
    }

    @Test func failedPersistWithholdsTheSignatureAndKeepsTheLastReleasedState() throws {
        let dir = try TempDir("chain-fail")
        defer { dir.remove() }
        let file = StateFile(path: dir.path("s.json"), fs: FailingFileSystem(failing: .fdatasync))
        let chain = try ChainState(chainID: "kira-1", file: file, last: .initial, stateLock: nil)
        let vote = FakeSignBytes(step: .prevote, height: 1, round: 0, block: "A", time: 1)
        for _ in 0..<2 {
            #expect(throws: StateError(code: .persistFailed, reason: "")) {
                try chain.attempt(request: vote.request, signer: { _ in [1] })
            }
            #expect(chain.lastSigned == .initial, "nothing released, nothing remembered")
        }
    }

    @Test func failedPersistOnARealDiskWhenTheDirectoryIsRemoved() throws {
        let dir = try TempDir("chain-gone")
        let (chain, _) = try ChainState.open(chainID: "c", path: dir.path("s.json"))
        dir.remove()
        let vote = FakeSignBytes(step: .prevote, height: 1, round: 0, block: "A", time: 1)
        var released: [UInt8]?
        do {
            if case .signed(let s) = try chain.attempt(request: vote.request, signer: { _ in [1] }) { released = s }
        } catch {
            #expect((error as? StateError)?.code == .persistFailed)
        }
        #expect(released == nil)
    }

    @Test func signerFailureSavesNothing() throws {
        struct Boom: Error {}
        let dir = try TempDir("chain-boom")
        defer { dir.remove() }
        let (chain, _) = try ChainState.open(chainID: "c", path: dir.path("s.json"))
        let vote = FakeSignBytes(step: .prevote, height: 1, round: 0, block: "A", time: 1)
        #expect(throws: Boom.self) { try chain.attempt(request: vote.request, signer: { _ in throw Boom() }) }
        #expect(chain.lastSigned == .initial)
        #expect(try StateFile(path: dir.path("s.json")).load()?.0 == .initial)
        #expect(try chain.attempt(request: vote.request, signer: { _ in [2] }) == .signed([2]))
    }
}

/// `sign`'s three results as one value, so tables of outcomes can be compared.
enum Got: Hashable, Sendable {
    case signed([UInt8])
    case reused([UInt8], SignTimestamp?)
    case refused(Refusal)
}

extension ChainState {
    func attempt(request: SignRequestInfo, signer: ([UInt8]) throws -> [UInt8]) throws -> Got {
        do {
            let outcome = try sign(request: request, signer: signer)
            return outcome.reused ? .reused(outcome.signature, outcome.timestamp) : .signed(outcome.signature)
        } catch let refusal as Refusal {
            return .refused(refusal)
        }
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var byHeight: [Int64: [Result<Got, any Error>]] = [:]
    func add(_ height: Int64, _ r: Result<Got, any Error>) {
        lock.lock()
        byHeight[height, default: []].append(r)
        lock.unlock()
    }
    func outcomes(_ height: Int64) -> [Result<Got, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return byHeight[height] ?? []
    }
}
