import Foundation

/// Locates binaries built by this package and runs them as real child processes.
public enum Built {
    /// The `sigil` executable next to the running test bundle, or `$SIGIL_BIN`.
    public static var sigil: URL {
        if let override = ProcessInfo.processInfo.environment["SIGIL_BIN"] {
            return URL(fileURLWithPath: override)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner lives inside `<Name>PackageTests.xctest/...` on some layouts; walk up to the products dir.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sigil")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return exe.deletingLastPathComponent().appendingPathComponent("sigil")
    }
}

/// A child process with captured output, killed when released.
public final class Child: @unchecked Sendable {
    public let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    /// Output pipes not yet at end of file; `wait` lets them drain so no late line is missed.
    private var openStreams = 2

    public init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: URL? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self else { return }
            self.lock.lock(); self.stdoutData.append(d); if d.isEmpty { self.openStreams -= 1 }; self.lock.unlock()
            if d.isEmpty { h.readabilityHandler = nil }
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self else { return }
            self.lock.lock(); self.stderrData.append(d); if d.isEmpty { self.openStreams -= 1 }; self.lock.unlock()
            if d.isEmpty { h.readabilityHandler = nil }
        }
        try process.run()
    }

    public var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: stderrData, as: UTF8.self) }
    public var output: String { stdout + stderr }

    /// Polls the captured output until `predicate` holds or `timeout` passes; returns whether it held.
    /// This waits on an observable condition, not on time.
    @discardableResult
    public func waitForOutput(timeout: TimeInterval = 30, _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(output) { return true }
            if !process.isRunning { return predicate(output) }
            usleep(20_000)
        }
        return predicate(output)
    }

    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    @discardableResult
    public func wait(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { return nil }
        // The exit can be seen before the last output is read; a child's own child may hold the pipes, so bounded.
        let drained = Date().addingTimeInterval(2)
        while Date() < drained, lock.withLock({ openStreams > 0 }) { usleep(5_000) }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
    }
}

/// Runs a command to completion and returns (status, stdout+stderr). Output goes through a temporary file, not a
/// pipe, so a daemon the command leaves behind (wireguard-go forks itself) cannot hold the read open forever.
@discardableResult
public func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let capture = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-run-\(UUID().uuidString)")
    // 0600: `wg genkey` warns (into the output) when stdout is a world-readable file.
    FileManager.default.createFile(atPath: capture.path, contents: nil, attributes: [.posixPermissions: 0o600])
    defer { try? FileManager.default.removeItem(at: capture) }
    let handle = try FileHandle(forWritingTo: capture)
    p.standardOutput = handle
    p.standardError = handle
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    try handle.close()
    return (p.terminationStatus, String(decoding: FileManager.default.contents(atPath: capture.path) ?? Data(), as: UTF8.self))
}

/// A fresh temporary directory, removed by the caller with `remove()`.
public struct TempDir: Sendable {
    public let url: URL
    public init(_ prefix: String = "sigil-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    public func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Polls `condition` until it holds or `timeout` passes: waiting on an observable condition, not on time.
public func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
