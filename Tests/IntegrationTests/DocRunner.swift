import Foundation
import Testing
import TestSupport

/// Runs a document's shell blocks in order on test machines, as an operator would. Each block runs with
/// `bash -e -o pipefail` on the machine of its scenario, with `sigil` installed in /usr/local/bin and, in that
/// machine's own mount namespace, private copies of /etc, /root and /usr/local/bin, so the doc's real
/// paths (/etc/sigil, ~/.tmkms) can be used without touching the host.
final class DocRunner {
    let script: DocScript
    let machine: Machine
    /// Machines by the names the doc's `on=` words use; `machine` runs blocks without one.
    let machines: [String: Machine]
    let workingDirectory: String
    /// Everything the blocks printed, and the daemons' output, for checking the doc's quoted messages.
    private(set) var outputs: [String] = []
    private(set) var daemons: [Child] = []
    private(set) var skipped: [(line: Int, reason: String)] = []

    init(doc: String, machine: Machine, machines: [String: Machine] = [:],
         workingDirectory: String = DocRunner.repository) throws {
        script = try DocScript(path: "\(DocRunner.repository)/\(doc)")
        self.machine = machine
        self.machines = machines
        self.workingDirectory = workingDirectory
    }

    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Gives `machine` private /etc (a copy: useradd and installs change only the copy), /root and /usr/local/bin
    /// with `sigil` installed.
    static func prepare(_ machine: Machine) throws {
        let etc = etcCopy(machine)
        try Machine.sh("rm -rf \(etc) && mkdir -p \(etc) && cp -a /etc/. \(etc)/")
        try machine.exec("mount --bind \(etc) /etc && mount -t tmpfs -o mode=0700 tmpfs /root"
            + " && mount -t tmpfs tmpfs /usr/local/bin && install -m 0755 \(Built.sigil.path) /usr/local/bin/sigil")
    }

    /// Outside /run, which is private to each machine.
    static func etcCopy(_ machine: Machine) -> String { "/tmp/sigil-docs-\(machine.name)-etc" }

    static func cleanUp(_ machine: Machine) { _ = try? Machine.sh("rm -rf \(etcCopy(machine))") }

    /// Runs block after block; `hook` runs before each (with its index) and may act for a skipped block.
    func run(before hook: (Int, DocScript.Block) throws -> Void = { _, _ in },
             after check: (Int, DocScript.Block, String) throws -> Void = { _, _, _ in }) throws {
        for (index, block) in script.blocks.enumerated() {
            try hook(index, block)
            let place = "\(script.path):\(block.line)"
            if let reason = block.skipReason {
                let why = try #require(DocScript.skipReasons[reason], "\(place): unknown skip reason `\(reason)`")
                skipped.append((block.line, "\(reason): \(why)"))
                continue
            }
            let machine = try block.on.map { try #require(machines[$0], "\(place): no machine `\($0)`") } ?? machine
            if let file = block.file {
                try machine.exec("printf '%s\\n' \(shellQuote(block.text)) > \(file)")
                continue
            }
            if block.daemon {
                let child = try machine.spawn(["/usr/bin/env", "HOME=/root", "/bin/bash", "-c",
                                               "cd \(workingDirectory) && exec \(block.text)"])
                daemons.append(child)
                try check(index, block, "")
                continue
            }
            let (status, out) = try machine.run("cd \(workingDirectory) && HOME=/root bash -e -o pipefail -c "
                + shellQuote(block.text))
            outputs.append(out)
            if block.expectFail {
                #expect(status != 0, "\(place): the doc says this fails here, but it passed:\n\(block.text)\n\(out)")
            } else {
                #expect(status == 0, "\(place): exited \(status):\n\(block.text)\n\(out)")
            }
            try check(index, block, out)
        }
    }

    func record(_ output: String) { outputs.append(output) }

    /// Every error or warning line the doc quotes must have been printed by something the test ran.
    func checkQuotedMessages(extra: [String] = []) {
        let all = (outputs + daemons.map(\.output) + extra).joined(separator: "\n")
        for (line, text) in script.quoted {
            guard let message = Self.message(in: text) else { continue }
            #expect(DocScript.matches(message, in: all),
                    "\(script.path):\(line) quotes a message nothing in this test printed: \(message)")
        }
    }

    /// The part of a quoted line to look for: `error: ...` and `FAIL ...` lines whole, log lines from their
    /// ERROR/WARN level on; nil for anything else (sample output that is not a message).
    static func message(in line: String) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("error:") || t.hasPrefix("FAIL ") { return t }
        for level in [" ERROR ", " WARN "] {
            if let r = t.range(of: level) { return String(t[r.lowerBound...]).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    func stopDaemons() {
        for d in daemons { d.kill(); d.wait(timeout: 10) }
    }
}

func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
