import Foundation
import Glibc
import Sockets
import TestSupport
import Testing

/// The bad-input catalogue (the tables are in BadInput/): every operator mistake through the real `sigil` binary
/// must give exactly one `error:` line naming the input and the fix, a non-zero exit, no changed file, and no
/// planted secret in any form.
@Suite struct BadInputCatalogueTests {
    static let cases = BadInput.config + BadInput.keys + BadInput.state + BadInput.wireGuard + BadInput.provisioning
        + BadInput.firewalls + BadInput.commands + BadInput.network + BadInput.etcd

    @Test func catalogueCoversEveryArea() {
        let all = Self.cases + BadInput.peers.map(\.0)
        #expect(all.count >= 60)
        #expect(Set(all.map(\.area)) == ["config", "keys", "state", "wg config", "provision", "firewall", "cli", "network"])
        #expect(Set(all.map(\.testDescription)).count == all.count, "case names are unique")
    }

    @Test(arguments: cases)
    func answersInOneLineAndChangesNothing(_ c: BadInput) throws {
        try Self.check(c, peer: nil)
    }

    @Test(arguments: BadInput.peers.indices)
    func validatorSideFaults(_ index: Int) throws {
        let (c, peer) = BadInput.peers[index]
        try Self.check(c, peer: peer)
    }

    /// Every `error:` line Docs/troubleshooting.md quotes (in double backticks, `…` standing for any text) is one
    /// the binary prints for some catalogue case.
    @Test func troubleshootingQuotesRealMessages() throws {
        let docPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Docs/troubleshooting.md").standardized.path
        let doc = try String(contentsOfFile: docPath, encoding: .utf8)
        let quoted = doc.matches(of: try Regex("``\\s?(error: .+?)\\s?``")).compactMap { match in
            match.output[1].substring.map(String.init)
        }
        #expect(quoted.count >= 40, "the doc quotes its messages: \(quoted.count)")
        let lines = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: Self.cases.count) { i in
            let c = Self.cases[i]
            guard let box = try? Sandbox() else { return }
            defer { box.dir.remove() }
            try? c.setup(box)
            if let (_, out, err) = try? Self.runSigil(c.args, in: box.root, stdin: c.stdin) {
                lines.mutate { $0 += (out + err).split(separator: "\n").filter { $0.hasPrefix("error:") }.map(String.init) }
            }
        }
        let printed = lines.value
        for message in quoted {
            let pattern = message.components(separatedBy: "…").map(NSRegularExpression.escapedPattern).joined(separator: ".*?")
            let regex = try Regex("^" + pattern + "$")
            #expect(printed.contains { $0.wholeMatch(of: regex) != nil }, "no catalogue case prints: \(message)")
        }
    }

    static func check(_ c: BadInput, peer: BadInput.Peer?) throws {
        let box = try Sandbox()
        defer { box.dir.remove() }
        try c.setup(box)
        var listener: Listener?
        if let peer {
            let l = try Listener.tcp(host: "127.0.0.1", port: 0)
            listener = l
            try box.editConfig { $0.replacingOccurrences(of: "tcp://127.0.0.1:1\"", with: "tcp://127.0.0.1:\(l.port)\"") }
            serve(l, peer)
        }
        defer { listener?.close() }
        let before = box.snapshot()
        let args = c.args.map { $0.replacingOccurrences(of: "{wg}", with: Sandbox.wgKey) }
        let (status, stdout, stderr) = try runSigil(args, in: box.root, stdin: c.stdin)
        let output = stdout + "\n" + stderr
        #expect(status == c.status, "exit status of `sigil \(args.joined(separator: " "))`: \(output)")

        let errorLines = output.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errorLines.count == 1, "exactly one error line: \(output)")
        #expect(!output.contains("USAGE:") && !output.contains("Usage:"), "no usage block: \(output)")
        let line = errorLines.first.map(String.init) ?? ""
        for name in c.names { #expect(line.contains(name), "the error names `\(name)`: \(line)") }
        #expect(line.contains(c.fix), "the error says what to do (`\(c.fix)`): \(line)")
        for text in c.alsoPrints { #expect(output.contains(text), "also prints `\(text)`: \(output)") }

        for form in Sandbox.secretForms {
            for window in stride(from: 0, through: form.count - 16, by: 4) {
                let piece = String(form.dropFirst(window).prefix(16))
                #expect(!output.contains(piece), "a planted secret leaked (\(piece)): \(output)")
            }
        }

        var after = box.snapshot()
        var expected = before
        for rel in c.mayChange {
            after[rel] = nil
            expected[rel] = nil
        }
        let changed = Set(after.keys).symmetricDifference(expected.keys).sorted()
            + after.filter { expected[$0.key] != nil && expected[$0.key] != $0.value }.keys.sorted()
        #expect(changed.isEmpty, "files changed: \(changed)")
    }

    /// The validator side of a network case, on its own thread until the listener closes.
    static func serve(_ listener: Listener, _ peer: BadInput.Peer) {
        let thread = Thread {
            guard let socket = try? listener.accept(timeout: 20) else { return }
            switch peer {
            case .silent:
                socket.setTimeouts(read: 30, write: 30)
                while let bytes = try? socket.read(maxLength: 1 << 16), !bytes.isEmpty {}
            case .hangsUp:
                break
            case .garbage:
                try? socket.write(Array(repeating: 0x41, count: 200))
                _ = try? socket.read(maxLength: 1 << 16)
            }
            socket.close()
        }
        thread.start()
    }

    /// Runs `sigil` in `directory` with stdout and stderr kept apart (through files, so nothing can block).
    static func runSigil(_ args: [String], in directory: String, stdin: String) throws -> (Int32, String, String) {
        let scratch = try TempDir("sigil-bad-input-out")
        defer { scratch.remove() }
        let p = Process()
        p.executableURL = Built.sigil
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["TMKMS_CONFIG_FILE"] = nil
        p.environment = env
        FileManager.default.createFile(atPath: scratch.path("out"), contents: nil)
        FileManager.default.createFile(atPath: scratch.path("err"), contents: nil)
        FileManager.default.createFile(atPath: scratch.path("in"), contents: Data(stdin.utf8))
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path("out")))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path("err")))
        p.standardOutput = out
        p.standardError = err
        p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch.path("in")))
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        try out.close()
        try err.close()
        let read = { (name: String) in
            String(decoding: FileManager.default.contents(atPath: scratch.path(name)) ?? Data(), as: UTF8.self)
        }
        return (p.terminationStatus, read("out"), read("err"))
    }
}


/// A value several threads append to.
final class Locked<T>: @unchecked Sendable {
    private var stored: T
    private let lock = NSLock()
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func mutate(_ body: (inout T) -> Void) { lock.withLock { body(&stored) } }
}
