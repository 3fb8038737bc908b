import Foundation
import Privval
import Testing
import TestSupport
import ValidatorPeer

/// Deliverable: every system call of the state write fails in turn, injected by Debian's strace into the real
/// `sigil start` (`strace -f -p PID --inject=SYSCALL:error=ERR:when=N`, attached for one request, then detached).
/// The signing path writes the state journal (pwrite64, fdatasync, then a check that the path still names the
/// open journal); a fault there must withhold the signature: the node gets an error reply naming the failed call,
/// the signer stays up on the same connection, and once strace is gone the same request signs with the state
/// intact and a different block at that height is refused. The CometBFT state file is written after the reply by
/// a writer thread; a fault there must release the signature (the journal holds it), leave the file whole, and
/// the file catches up at the next signature.
@Suite(.serialized)
struct StateWriteFaultTests {
    static let strace = "/usr/bin/strace"

    /// One system call of the state write, as a signing run under `strace -e trace=file,desc` shows it.
    struct WriteCall: CustomStringConvertible {
        let label: String
        /// The name strace prints and `--inject` takes (`rename` or `renameat2`, depending on libc).
        let syscall: String
        /// Which invocation of `syscall` in its thread, counted from the attach.
        let ordinal: Int
        /// In the thread serving the node, before the reply (the journal); else in the state-file writer, after it.
        let beforeReply: Bool
        /// The line strace printed for it.
        let line: Substring
        var description: String { "\(label): \(syscall) #\(ordinal)" }
    }

    /// Realistic failures per call: a dying disk (EIO), a full disk (ENOSPC), a quota (EDQUOT), a file system
    /// remounted read-only after an error (EROFS), the state directory deleted or moved (ENOENT).
    static let errors: [String: [String]] = [
        "write journal record": ["EIO", "ENOSPC", "EDQUOT", "EROFS"],
        "sync journal record": ["EIO", "ENOSPC", "EDQUOT"],
        "stat journal path": ["ENOENT", "EIO"],
        "create temp file": ["EIO", "ENOSPC", "EDQUOT", "EROFS"],
        "fsync temp file": ["EIO", "ENOSPC"],
        "rename over state file": ["EIO", "ENOSPC", "EROFS"],
        // Not "write temp file": strace counts per thread, and the serving thread's first write is its reply.
        "open directory": ["EIO"],
        "fsync directory": ["EIO"],
    ]
    /// The calls a signature's state write makes, in order (the journal's, then the state file's).
    static let documented = [
        "write journal record", "sync journal record", "fstat journal", "stat journal path",
        "create temp file", "write temp file", "fsync temp file", "rename over state file", "open directory",
        "fsync directory",
    ]
    static let strerror = [
        "EIO": "Input/output error", "ENOSPC": "No space left on device", "EDQUOT": "Disk quota exceeded",
        "EROFS": "Read-only file system", "ENOLCK": "No locks available", "ENOENT": "No such file or directory",
    ]

    static func available() throws -> Bool {
        if FileManager.default.isExecutableFile(atPath: strace) { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("strace not found: apt-get install -y strace (scripts/deps.sh test)")
        }
        return false
    }

    struct Rig {
        let home: SignerEndToEndTests.Home
        let listener: ValidatorListener
        let sigil: Child
        let conn: ValidatorConnection
        let driver: ConsensusDriver

        init() throws {
            home = try SignerEndToEndTests.Home()
            listener = try ValidatorListener(unixPath: home.dir.path("privval.sock"))
            try home.writeConfig(addr: listener.address, extensions: false)
            // The [[validator]] table is the file's last: a long read timeout, so a slow strace attach on a
            // loaded machine does not make the signer drop the idle connection.
            let config = try FileHandle(forWritingTo: URL(fileURLWithPath: home.config))
            config.seekToEndOfFile()
            config.write(Data("timeout = 300\n".utf8))
            try config.close()
            (sigil, conn, driver) = try home.startSigning(listener, ioTimeout: 300)
        }

        var pid: Int32 { sigil.process.processIdentifier }
        var stateDir: String { URL(fileURLWithPath: home.stateFile).deletingLastPathComponent().path }
        var journal: String { home.stateFile + ".journal" }

        func prevote(_ height: Int64, variant: String = "") -> Vote {
            let block = ConsensusDriver.blockID(height: height, variant: variant)
            return ConsensusDriver.vote(.prevote, height: height, blockID: block)
        }

        /// The state file's height once the writer thread has brought it to `height` (it follows the reply).
        func stateFile(at height: Int64) -> Data? {
            var data: Data?
            _ = eventually(timeout: 30) {
                data = try? Data(contentsOf: URL(fileURLWithPath: home.stateFile))
                return data.map { (try? StateWriteFaultTests.stateHeight($0)) == height } ?? false
            }
            return data
        }

        /// Attaches strace to every thread of the running signer and waits until all are traced.
        func attach(_ arguments: [String]) throws -> Child {
            let tracer = try Child(URL(fileURLWithPath: StateWriteFaultTests.strace),
                                   ["-f", "-qq", "-p", "\(pid)"] + arguments)
            let attached = eventually(timeout: 30) { Self.tracedThreads(pid) == Self.threads(pid).count }
            #expect(attached, "strace did not attach to every thread of pid \(pid): \(tracer.output)")
            return tracer
        }

        /// Ends strace and waits until no thread is traced any more. SIGKILL, not SIGINT: Foundation starts
        /// children with SIGINT blocked, so strace never sees it. The kernel detaches the tracees of a dead
        /// tracer; strace attached with -p, so it did not ask for them to die with it (PTRACE_O_EXITKILL). The
        /// signer is idle by then (the caller waited for the writer thread), with no tampered call half done.
        func detach(_ tracer: Child) {
            tracer.kill(SIGKILL)
            tracer.wait()
            #expect(eventually(timeout: 30) { Self.tracedThreads(pid) == 0 }, "strace did not detach")
        }

        static func threads(_ pid: Int32) -> [String] {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        }

        static func tracedThreads(_ pid: Int32) -> Int {
            threads(pid).filter { tid in
                let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/status", encoding: .utf8)) ?? ""
                return status.split(separator: "\n").contains { $0.hasPrefix("TracerPid:") && !$0.hasSuffix("\t0") }
            }.count
        }
    }

    @Test func eachStateWriteSyscallFailingWithholdsTheSignatureAndTheSignerRecovers() throws {
        guard try Self.available() else { return }
        let rig = try Rig()
        defer { rig.sigil.kill(SIGKILL); rig.listener.close(); rig.home.dir.remove() }
        var height: Int64 = 1
        _ = try rig.driver.signVote(rig.conn, rig.prevote(height))
        _ = rig.stateFile(at: height)

        // Find the calls first: trace one signing run the way an operator would (-e trace=file,desc).
        height += 1
        let traceDir = rig.home.dir.path("trace")
        try FileManager.default.createDirectory(atPath: traceDir, withIntermediateDirectories: true)
        let tracer = try rig.attach(["-ff", "-o", "\(traceDir)/t", "-e", "trace=file,desc"])
        _ = try rig.driver.signVote(rig.conn, rig.prevote(height))
        // The new height shows once the file is renamed; the directory's fsync follows, so wait for the whole
        // replace in the trace before strace goes.
        _ = rig.stateFile(at: height)
        _ = eventually(timeout: 30) { Self.stateFileReplaceTraced(traceDir: traceDir) }
        rig.detach(tracer)
        let calls = try Self.stateWriteCalls(traceDir: traceDir)
        print("state-write syscalls (strace -f -e trace=file,desc):\n"
            + calls.map { "  \($0.label): \($0.line)" }.joined(separator: "\n"))
        #expect(calls.map(\.label) == Self.documented, "the state write is not the documented one")

        var injected = 0
        for call in calls {
            for errno in Self.errors[call.label] ?? [] {
                height += 1
                try injectOnce(rig, call, errno, height: height)
                injected += 1
            }
        }
        print("state-write fault injection: \(injected) faults over \(calls.count) syscalls, "
            + "signer pid \(rig.pid) stayed up")
        #expect(rig.sigil.process.isRunning)
    }

    func injectOnce(_ rig: Rig, _ call: WriteCall, _ errno: String, height: Int64) throws {
        let what = "\(errno) on \(call)"
        guard let before = rig.stateFile(at: height - 1) else {
            Issue.record("\(what): the state file never reached height \(height - 1)")
            return
        }
        let log = rig.home.dir.path("inject-\(height).log")
        let tracer = try rig.attach(["-o", log, "-e", "trace=\(call.syscall)",
                                     "--inject=\(call.syscall):error=\(errno):when=\(call.ordinal)"])
        let vote = rig.prevote(height)
        let reply = try rig.conn.request(.signVoteRequest(vote, chainID: rig.home.chain))
        // A state-file call runs after the reply: wait for it before strace goes.
        let hit = eventually(timeout: 30) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("(INJECTED)")
        }
        rig.detach(tracer)
        let trace = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(hit, "\(what): strace injected nothing:\n\(trace)")

        guard case .signedVoteResponse(let signed, let error) = reply else {
            Issue.record("\(what): expected a SignedVoteResponse, got \(reply)")
            return
        }
        #expect(rig.sigil.process.isRunning, "\(what): the signer died")
        #expect(try rig.conn.request(.pingRequest) == .pingResponse, "\(what): the connection did not stay up")
        #expect(CrashCampaignTests.tempFiles(in: rig.stateDir).isEmpty, "\(what): temp file left behind")
        let after = try Data(contentsOf: URL(fileURLWithPath: rig.home.stateFile))
        if call.beforeReply {
            #expect(signed.signature.isEmpty, "\(what): a signature left although its state was not saved")
            let text = error?.description ?? ""
            #expect(text.contains("withheld") && text.contains(Self.strerror[errno] ?? errno),
                    "\(what): error reply `\(text)`")
            #expect(after == before, "\(what): the state file changed although the signature was withheld")
            // The fault is gone: the same request signs.
            let again = try rig.driver.signVote(rig.conn, vote)
            #expect(!again.signature.isEmpty)
        } else {
            // The journal held the state before the reply: the signature leaves; the state file is whole, old
            // or new, and the signer says it is behind.
            #expect(!signed.signature.isEmpty && error == nil, "\(what): the journal was written, yet `\(reply)`")
            let hrs = try Self.stateHeight(after)
            #expect(hrs == height || after == before, "\(what): state file is neither the old nor the new state")
            let warned = eventually(timeout: 30) {
                rig.sigil.stderr.contains("cannot bring state file") && rig.sigil.stderr.contains(Self.strerror[errno]!)
            }
            #expect(warned, "\(what): no warning that the state file is behind: \(rig.sigil.stderr.suffix(600))")
            // The same request again gets the stored signature; the next height brings the file up.
            let again = try rig.driver.signVote(rig.conn, vote)
            #expect(again.signature == signed.signature, "\(what): the repeat got another signature")
        }
        // The saved state refuses another block at this height, and the state file catches up.
        let fork = rig.prevote(height, variant: "-fork")
        let forkReply = try rig.conn.request(.signVoteRequest(fork, chainID: rig.home.chain))
        guard case .signedVoteResponse(let v, let e) = forkReply else {
            Issue.record("\(what): expected a SignedVoteResponse to the fork, got \(forkReply)")
            return
        }
        #expect(v.signature.isEmpty && e != nil, "\(what): a conflicting vote was signed after recovery")
        if !call.beforeReply {
            // The file catches up with the next signature (the precommit at this height).
            let block = ConsensusDriver.blockID(height: height, variant: "")
            _ = try rig.driver.signVote(rig.conn, ConsensusDriver.vote(.precommit, height: height, blockID: block))
            let caughtUp = eventually(timeout: 30) {
                let object = (try? Data(contentsOf: URL(fileURLWithPath: rig.home.stateFile)))
                    .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                return object?["height"] as? String == "\(height)" && object?["step"] as? Int == 3
            }
            #expect(caughtUp, "\(what): the state file did not catch up with the precommit")
        }
        #expect(rig.stateFile(at: height) != nil, "\(what): the state file did not reach height \(height)")
    }

    /// FilePV's file keeps the height as a JSON string.
    static func stateHeight(_ data: Data) throws -> Int64 {
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return Int64(object?["height"] as? String ?? "") ?? -1
    }

    /// Reads the per-thread traces of one signing run: the journal record in the thread serving the node (its
    /// pwrite carries the record's magic), then the state-file replace in the writer thread (its temp file).
    static func stateWriteCalls(traceDir: String) throws -> [WriteCall] {
        var journal: [WriteCall] = []
        var stateFile: [WriteCall] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: traceDir) {
            let lines = try String(contentsOfFile: "\(traceDir)/\(name)", encoding: .utf8).split(separator: "\n")
            if lines.contains(where: { $0.hasPrefix("pwrite64(") && $0.contains("SIGILJ1") }) {
                journal = journalCalls(lines)
            } else if lines.contains(where: { $0.contains(".tmp-") && $0.contains("O_EXCL") }) {
                stateFile = stateFileCalls(lines)
            }
        }
        if journal.isEmpty { Issue.record("no thread in \(traceDir) wrote a journal record") }
        if stateFile.isEmpty { Issue.record("no thread in \(traceDir) created the state temp file") }
        return journal + stateFile
    }

    /// True once a thread's trace in `traceDir` reaches the directory fsync that ends a state-file replace.
    static func stateFileReplaceTraced(traceDir: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: traceDir)) ?? []
        return names.contains { name in
            let text = (try? String(contentsOfFile: "\(traceDir)/\(name)", encoding: .utf8)) ?? ""
            return stateFileCalls(text.split(separator: "\n")).last?.label == "fsync directory"
        }
    }

    /// A trace line split into its system call, its arguments and its result.
    struct TraceLine {
        let syscall: String
        let args: Substring
        let result: String?

        init?(_ line: Substring) {
            guard let paren = line.firstIndex(of: "(") else { return nil }
            syscall = String(line[..<paren])
            args = line[line.index(after: paren)...]
            result = line.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Numbers a thread's calls per system call (as strace's `when=` counts them) and keeps the ones `label` names.
    static func calls(in lines: [Substring], beforeReply: Bool, label: (TraceLine, Substring) -> String?)
        -> [WriteCall]
    {
        var counts: [String: Int] = [:]
        var calls: [WriteCall] = []
        for line in lines {
            guard let t = TraceLine(line) else { continue }
            counts[t.syscall, default: 0] += 1
            guard let name = label(t, line) else { continue }
            calls.append(WriteCall(label: name, syscall: t.syscall, ordinal: counts[t.syscall]!,
                                   beforeReply: beforeReply, line: line))
        }
        return calls
    }

    static func journalCalls(_ lines: [Substring]) -> [WriteCall] {
        var journalFD: String?
        return calls(in: lines, beforeReply: true) { t, line in
            if t.syscall == "pwrite64", line.contains("SIGILJ1") {
                journalFD = t.args.split(separator: ",").first.map(String.init)
                return "write journal record"
            }
            guard let fd = journalFD else { return nil }
            if t.syscall == "fdatasync" || t.syscall == "fsync", t.args.hasPrefix("\(fd))") {
                return "sync journal record"
            }
            if t.syscall.contains("stat"), t.args.hasPrefix("\(fd),") { return "fstat journal" }
            if t.syscall.contains("stat"), line.contains(".journal\"") {
                journalFD = nil
                return "stat journal path"
            }
            return nil
        }
    }

    static func stateFileCalls(_ lines: [Substring]) -> [WriteCall] {
        var tempFD: String?
        var dirFD: String?
        var renamed = false
        return calls(in: lines, beforeReply: false) { t, line in
            let synced = t.syscall == "fsync" || t.syscall == "fdatasync"
            if t.syscall.hasPrefix("open"), line.contains(".tmp-"), line.contains("O_EXCL") {
                tempFD = t.result
                return "create temp file"
            } else if let fd = tempFD, t.syscall == "write", t.args.hasPrefix("\(fd),") {
                return "write temp file"
            } else if let fd = tempFD, synced, t.args.hasPrefix("\(fd))") {
                tempFD = nil
                return "fsync temp file"
            } else if t.syscall.hasPrefix("rename"), line.contains(".tmp-") {
                renamed = true
                return "rename over state file"
            } else if renamed, t.syscall.hasPrefix("open"), line.contains("O_DIRECTORY") {
                dirFD = t.result
                return "open directory"
            } else if let fd = dirFD, synced, t.args.hasPrefix("\(fd))") {
                dirFD = nil
                return "fsync directory"
            }
            return nil
        }
    }
}

/// `flock` runs once, when the signer takes the chain's state lock at start, not in each write: a failing
/// lock must stop the signer before it dials anyone, with one line naming the lock file and the error.
@Suite(.serialized)
struct StateLockFaultTests {
    @Test(arguments: ["ENOLCK", "EIO"])
    func aFailingStateLockStopsTheSignerBeforeItSigns(_ errno: String) throws {
        guard try StateWriteFaultTests.available() else { return }
        let home = try SignerEndToEndTests.Home()
        let listener = try ValidatorListener(unixPath: home.dir.path("privval.sock"))
        defer { listener.close(); home.dir.remove() }
        try home.writeConfig(addr: listener.address, extensions: false)
        let log = home.dir.path("flock.log")
        let traced = try Child(URL(fileURLWithPath: StateWriteFaultTests.strace),
                               ["-f", "-qq", "-o", log, "-e", "trace=flock", "--inject=flock:error=\(errno)",
                                Built.sigil.path, "start", "-c", home.config])
        let status = traced.wait(timeout: 60)
        #expect(status != nil && status != 0, "the signer must not run without its state lock: \(traced.output)")
        let message = StateWriteFaultTests.strerror[errno]!
        // The pipe may still hold the last line after the process exited.
        _ = eventually(timeout: 10) { traced.stderr.contains(message) }
        #expect(traced.stderr.contains("\(home.stateFile).lock") && traced.stderr.contains(message), "\(traced.stderr)")
        #expect(!traced.stderr.contains("held by"), "a failed flock is not another signer: \(traced.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("(INJECTED)"))
        #expect(!FileManager.default.fileExists(atPath: home.stateFile), "nothing written without the lock")

        // Without the fault the same config starts and signs.
        let (sigil, conn, driver) = try home.startSigning(listener)
        defer { sigil.kill(SIGKILL) }
        _ = try driver.runHeight(conn, height: 1)
    }
}

extension SignerEndToEndTests.Home {
    /// Starts `sigil start`, waits for it to dial `listener` and fetches its key: a signer ready for requests.
    func startSigning(_ listener: ValidatorListener, ioTimeout: Double? = nil)
        throws -> (Child, ValidatorConnection, ConsensusDriver)
    {
        let sigil = try start()
        let conn = try listener.accept(timeout: 60, ioTimeout: ioTimeout)
        var driver = ConsensusDriver(chainID: chain)
        _ = try driver.fetchPublicKey(conn)
        return (sigil, conn, driver)
    }
}
