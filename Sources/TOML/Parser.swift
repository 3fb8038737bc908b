/// Parses a TOML document.
public enum TOML {
    /// Parses `text`; `file` only labels error messages (`<file>:<line>: <what>`).
    public static func parse(_ text: String, file: String) throws -> TOMLTable {
        var parser = Parser(Array(text.utf8), file: file)
        return try parser.document()
    }

    /// `text` as a TOML basic string, quotes included: `"`, backslash and control characters escaped, so any path
    /// or name can be written into a generated file without changing its structure.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out += escapingControlCharacters(String(scalar))
            }
        }
        return out + "\""
    }

    /// `text` with control characters written as TOML escapes (`\n`, `\t`, `\r`, `\u001B`): what an operator
    /// typed inside a string, and one line whatever the value holds.
    public static func escapingControlCharacters(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A byte-level recursive-descent parser. The input comes from a Swift `String`, so it is valid UTF-8;
/// only ASCII bytes are ever structural.
struct Parser {
    let bytes: [UInt8]
    let file: String
    var pos = 0
    var line = 1
    /// Arrays and inline tables currently open around the cursor.
    var depth = 0
    /// Nesting limit, so hostile input cannot exhaust the stack through recursion.
    static let maxDepth = 64
    let rules: TableRules

    init(_ bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        self.rules = TableRules(file: file)
    }

    // MARK: Document structure

    mutating func document() throws -> TOMLTable {
        let root = TableBuilder(origin: .root, line: 1)
        var current = root
        while true {
            skipSpaces()
            guard let c = peek() else { break }
            switch c {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try endOfLine()
                continue
            case UInt8(ascii: "["):
                current = try header(root)
            default:
                let keyLine = line
                let path = try key()
                try expectEquals(path)
                let value = try self.value()
                try rules.insert(current, path: path, value: value, line: keyLine)
            }
            try endOfLine()
        }
        return root.freeze()
    }

    private mutating func header(_ root: TableBuilder) throws -> TableBuilder {
        let headerLine = line
        pos += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { pos += 1 }
        skipSpaces()
        let path = try key()
        skipSpaces()
        let close = isArray ? "]]" : "]"
        for _ in 0..<close.utf8.count {
            guard peek() == UInt8(ascii: "]") else {
                throw TOMLError.syntax(file, line, "expected `\(close)` to close the table header, found \(found())")
            }
            pos += 1
        }
        return isArray
            ? try rules.appendTable(root, path: path, line: headerLine)
            : try rules.defineTable(root, path: path, line: headerLine)
    }

    /// A key in a message: hidden when it looks like key material, else written as TOML writes it, so the
    /// message stays on one line whatever the key holds.
    private func shownKey(_ path: [String]) -> String {
        let raw = shown(path.joined(separator: "."))
        return raw.hasPrefix("`") ? "`\(TableRules.dotted(path))`" : raw
    }

    private mutating func expectEquals(_ path: [String]) throws {
        skipSpaces()
        guard peek() == UInt8(ascii: "=") else {
            throw TOMLError.syntax(
                file, line, "expected `=` after key \(shownKey(path)), found \(found())")
        }
        pos += 1
        skipSpaces()
    }

    /// After a key/value pair or header only spaces, a comment and a newline (or the end) may follow.
    private mutating func endOfLine() throws {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try comment() }
        guard let c = peek() else { return }
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
            try newline()
            return
        }
        throw TOMLError.syntax(file, line, "expected the end of the line, found \(found())")
    }

    // MARK: Keys

    /// A possibly dotted key: `a`, `"quoted key"`, `'literal'`, `a.b."c"`.
    mutating func key() throws -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = peek() else { throw TOMLError.syntax(
                file, line, "expected a key, found the end of the file") }
            if c == UInt8(ascii: "\"") {
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                    throw TOMLError.syntax(file, line, "a key cannot be a multi-line string")
                }
                parts.append(try basicString())
            } else if c == UInt8(ascii: "'") {
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                    throw TOMLError.syntax(file, line, "a key cannot be a multi-line string")
                }
                parts.append(try literalString())
            } else if Parser.isBareKeyByte(c) {
                let start = pos
                while let b = peek(), Parser.isBareKeyByte(b) { pos += 1 }
                parts.append(String(decoding: bytes[start..<pos], as: UTF8.self))
            } else {
                throw TOMLError.syntax(file, line, "expected a key, found \(found())")
            }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            guard parts.count < Parser.maxDepth else {
                throw TOMLError.syntax(file, line, "key has more than \(Parser.maxDepth) dotted parts")
            }
            pos += 1
        }
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    // MARK: Values

    mutating func value() throws -> TOMLValue {
        let valueLine = line
        guard let c = peek() else { throw TOMLError.syntax(file, line, "expected a value, found the end of the file") }
        switch c {
        case UInt8(ascii: "\""):
            let s = peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"")
                ? try multilineString(quote: UInt8(ascii: "\"")) : try basicString()
            return TOMLValue(.string(s), line: valueLine)
        case UInt8(ascii: "'"):
            let s = peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'")
                ? try multilineString(quote: UInt8(ascii: "'")) : try literalString()
            return TOMLValue(.string(s), line: valueLine)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            guard depth < Parser.maxDepth else {
                throw TOMLError.syntax(file, line,
                    "arrays and inline tables nest deeper than \(Parser.maxDepth) levels")
            }
            depth += 1
            defer { depth -= 1 }
            return c == UInt8(ascii: "[") ? try array() : try inlineTable()
        default:
            return try scalar()
        }
    }

    private mutating func array() throws -> TOMLValue {
        let start = line
        pos += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek() == UInt8(ascii: "]") { pos += 1; break }
            guard peek() != nil else {
                throw TOMLError.syntax(file, line, "unterminated array (opened at line \(start)); expected `]`")
            }
            elements.append(try value())
            try skipBlank()
            switch peek() {
            case UInt8(ascii: ","):
                pos += 1
            case UInt8(ascii: "]"):
                pos += 1
                return TOMLValue(.array(elements), line: start)
            case nil:
                throw TOMLError.syntax(file, line, "unterminated array (opened at line \(start)); expected `]`")
            default:
                throw TOMLError.syntax(
                    file, line, "expected `,` or `]` in the array opened at line \(start), found \(found())")
            }
        }
        return TOMLValue(.array(elements), line: start)
    }

    /// TOML 1.0 inline tables: one line, no trailing comma, closed once read.
    private mutating func inlineTable() throws -> TOMLValue {
        let start = line
        pos += 1
        let table = TableBuilder(origin: .inline, line: start)
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            pos += 1
            return TOMLValue(.table(table.freeze()), line: start)
        }
        while true {
            skipSpaces()
            if peek() == UInt8(ascii: "}") {
                throw TOMLError.syntax(file, line, "trailing comma in the inline table; remove the `,` before `}`")
            }
            try noNewlineInInlineTable(start)
            let path = try key()
            try expectEquals(path)
            try noNewlineInInlineTable(start)
            let v = try value()
            try rules.insert(table, path: path, value: v, line: line)
            skipSpaces()
            switch peek() {
            case UInt8(ascii: ","):
                pos += 1
            case UInt8(ascii: "}"):
                pos += 1
                return TOMLValue(.table(table.freeze()), line: start)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"), nil:
                throw TOMLError.syntax(
                    file, line, "inline table opened at line \(start) must be closed with `}` on the same line")
            default:
                throw TOMLError.syntax(file, line, "expected `,` or `}` in the inline table, found \(found())")
            }
        }
    }

    private func noNewlineInInlineTable(_ start: Int) throws {
        switch peek() {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"), nil:
            throw TOMLError.syntax(
                file, line, "inline table opened at line \(start) must be closed with `}` on the same line")
        default:
            return
        }
    }

    // MARK: Whitespace, comments, newlines

    func peek(_ offset: Int = 0) -> UInt8? {
        pos + offset < bytes.count ? bytes[pos + offset] : nil
    }

    mutating func skipSpaces() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { pos += 1 }
    }

    /// Spaces, comments and newlines, as allowed between array elements.
    private mutating func skipBlank() throws {
        while true {
            skipSpaces()
            switch peek() {
            case UInt8(ascii: "#"): try comment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try newline()
            default: return
            }
        }
    }

    private mutating func comment() throws {
        pos += 1
        while let c = peek(), c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if Parser.isControl(c) {
                throw TOMLError.syntax(file, line, "control character \(hexByte(c)) in a comment")
            }
            pos += 1
        }
    }

    mutating func newline() throws {
        if peek() == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else {
                throw TOMLError.syntax(file, line, "carriage return without a following line feed")
            }
            pos += 1
        }
        pos += 1
        line += 1
    }

    /// Control characters other than tab are not allowed in comments and strings.
    static func isControl(_ c: UInt8) -> Bool {
        (c < 0x20 && c != UInt8(ascii: "\t")) || c == 0x7F
    }

    func hexByte(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "U+00" + String(decoding: [digits[Int(c >> 4)], digits[Int(c & 15)]], as: UTF8.self)
    }

    /// Describes the byte at the cursor for messages: "`x`", "a newline", "the end of the file".
    func found() -> String {
        guard let c = peek() else { return "the end of the file" }
        switch c {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case _ where Parser.isControl(c): return "control character \(hexByte(c))"
        default:
            var end = pos + 1
            while end < bytes.count, end - pos < 20, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "`\(String(decoding: bytes[pos..<end], as: UTF8.self))`"
        }
    }
}
