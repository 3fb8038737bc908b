import Foundation
import Glibc

/// A signer under measurement: its own process group (so a `sh -c` wrapper and whatever it starts stop together),
/// output appended to a log file, figures read from /proc for the whole process tree.
final class SignerProcess {
    let pid: pid_t
    let logPath: String
    private var exited = false

    init(argv: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// SIGTERM to the group, then SIGKILL if it has not exited within five seconds.
    func stop() {
        guard !exited else { return }
        kill(-pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(5)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline { kill(-pid, SIGKILL) }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)  // anything the command left behind in its group
        exited = true
    }

    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// The last lines the signer printed, for an error message.
    func logTail(lines: Int = 5) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    deinit { stop() }

    /// CPU seconds of the process tree: per-thread run time from /proc/PID/task/TID/schedstat (nanoseconds), or
    /// user plus system time from /proc/PID/stat (10 ms ticks) where schedstat is missing.
    func cpuSeconds() -> Double {
        ProcTree.members(of: pid).reduce(0) { $0 + (ProcTree.runNanoseconds($1).map { Double($0) / 1e9 } ?? ProcTree.tickSeconds($1)) }
    }

    /// A /proc/PID/status field in kB (VmHWM, RssAnon), summed over the process tree.
    func statusKB(_ field: String) -> Int {
        ProcTree.members(of: pid).reduce(0) { $0 + ProcTree.statusKB(field, pid: $1) }
    }
}

enum ProcTree {
    /// Fields after the `(comm)` of /proc/PID/stat, so field 0 is the state and field 1 the parent pid.
    static func statFields(_ pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    static func runNanoseconds(_ pid: pid_t) -> UInt64? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
        var total: UInt64 = 0
        for tid in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8),
                  let ns = text.split(separator: " ").first.flatMap({ UInt64($0) }) else { return nil }
            total += ns
        }
        return total
    }

    static func tickSeconds(_ pid: pid_t) -> Double {
        guard let f = statFields(pid), f.count > 12, let u = Double(f[11]), let s = Double(f[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func members(of root: pid_t) -> [pid_t] {
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
        var parent: [pid_t: pid_t] = [:]
        for p in all { if let f = statFields(p), f.count > 1, let pp = pid_t(f[1]) { parent[p] = pp } }
        return all.filter { p in
            var cursor: pid_t? = p
            while let c = cursor, c > 1 {
                if c == root { return true }
                cursor = parent[c]
            }
            return false
        }
    }

    static func statusKB(_ field: String, pid: pid_t) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
