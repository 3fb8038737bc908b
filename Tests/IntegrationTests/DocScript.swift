import Foundation

/// The shell blocks of one Markdown document, as an operator would copy them: every fence whose info string
/// starts with `sh`. Words after `sh` tell the docs test how to run the block:
/// - `skip=REASON`: cannot run here; REASON must be one of `DocScript.skipReasons`, which say why;
/// - `expect-fail`: the doc shows this command failing at this point (e.g. a pre-flight that must fail);
/// - `daemon`: a long-running command (`sigil start`), started in the background;
/// - `on=A`: which machine runs it, in a doc about several.
/// A fence of any language with `file=PATH` (e.g. the config a doc tells the operator to write) is written to PATH
/// at that point. Other fences (```toml snippets, ``` for output) are not run; quoted messages are checked
/// separately.
struct DocScript {
    struct Block {
        let line: Int
        let text: String
        let words: [String]
        var skipReason: String? { words.first { $0.hasPrefix("skip=") }.map { String($0.dropFirst(5)) } }
        var expectFail: Bool { words.contains("expect-fail") }
        var daemon: Bool { words.contains("daemon") }
        /// `on=A`: the machine to run on, when the doc involves several.
        var on: String? { words.first { $0.hasPrefix("on=") }.map { String($0.dropFirst(3)) } }
        /// Set for a `file=PATH` block.
        var file: String? { words.first { $0.hasPrefix("file=") }.map { String($0.dropFirst(5)) } }
    }

    /// Why a block may be left out; anything else is a failure, so a block is never skipped silently.
    static let skipReasons: [String: String] = [
        "systemctl": "no systemd runs as PID 1 here; the unit files are checked by systemd-analyze verify instead",
        "docker": "no Docker daemon here; the compose files are checked against the Compose schema instead",
        "sekaid": "no KIRA node here; the validator stand-in checks the same things from the node's side",
        "release-build": "a release build takes minutes; the tests use the debug build of the same sources",
        "test-suite": "this is the command that runs this test",
        "swiftpm-lock": "it runs `swift build`, which would wait for the .build lock this very test run holds; the "
            + "README's next block runs the `sigil demo` it ends in",
        "packages": "installing Debian packages is scripts/deps.sh's job here; CI installs the same ones",
        "other-machine": "runs on a machine that is not part of this setup (e.g. an attacker's on the internet)",
    ]

    let path: String
    let blocks: [Block]
    /// Lines of plain ``` fences (quoted output), for checking quoted messages.
    let quoted: [(line: Int, text: String)]

    init(path: String) throws {
        self.path = path
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [Block] = []
        var quoted: [(Int, String)] = []
        var i = 0
        while i < lines.count {
            // A fence may be indented (inside a list item); its body carries the same indentation.
            let indent = lines[i].prefix { $0 == " " }.count
            let line = lines[i].dropFirst(indent)
            guard line.hasPrefix("```") else { i += 1; continue }
            let info = line.dropFirst(3).split(separator: " ").map(String.init)
            var body: [String] = []
            i += 1
            while i < lines.count, !lines[i].dropFirst(indent).hasPrefix("```") {
                body.append(String(lines[i].dropFirst(indent)))
                i += 1
            }
            if info.first == "sh" || info.contains(where: { $0.hasPrefix("file=") }) {
                blocks.append(Block(line: i - body.count, text: body.joined(separator: "\n"),
                                    words: Array(info.dropFirst())))
            } else if info.isEmpty {
                quoted += body.enumerated().map { (i - body.count + $0.offset + 1, $0.element) }
            }
            i += 1
        }
        self.blocks = blocks
        self.quoted = quoted
    }

    /// A quoted output line as a pattern: `...` stands for anything, a pid for any number.
    static func pattern(_ quoted: String) -> NSRegularExpression {
        var p = NSRegularExpression.escapedPattern(for: quoted.trimmingCharacters(in: .whitespaces))
        p = p.replacingOccurrences(of: "\\.\\.\\.", with: ".*")
        p = p.replacingOccurrences(of: #"pid [0-9]+"#, with: #"pid [0-9]+"#, options: .regularExpression)
        return try! NSRegularExpression(pattern: p)
    }

    static func matches(_ quoted: String, in output: String) -> Bool {
        let re = pattern(quoted)
        return output.split(separator: "\n").contains { line in
            let s = String(line)
            return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
    }
}
