extension Parser {
    /// `"..."` with escapes; the cursor is on the opening quote.
    mutating func basicString() throws -> String {
        let start = line
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek() else {
                throw TOMLError.syntax(file, start, "unterminated string; add the closing `\"`")
            }
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError.syntax(
                    file, start, "unterminated string; add the closing `\"` before the end of the line")
            case _ where Parser.isControl(c):
                throw TOMLError.syntax(file, line, "control character \(hexByte(c)) in a string; write it as an escape")
            default:
                out.append(c)
                pos += 1
            }
        }
    }

    /// `'...'` taken verbatim; the cursor is on the opening quote.
    mutating func literalString() throws -> String {
        let start = line
        pos += 1
        let begin = pos
        while true {
            guard let c = peek() else {
                throw TOMLError.syntax(file, start, "unterminated literal string; add the closing `'`")
            }
            switch c {
            case UInt8(ascii: "'"):
                let s = String(decoding: bytes[begin..<pos], as: UTF8.self)
                pos += 1
                return s
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError.syntax(
                    file, start, "unterminated literal string; add the closing `'` before the end of the line")
            case _ where Parser.isControl(c):
                throw TOMLError.syntax(file, line, "control character \(hexByte(c)) in a literal string")
            default:
                pos += 1
            }
        }
    }

    /// `"""..."""` and `'''...'''`: a newline right after the opening quotes is dropped. In the basic form
    /// (`"`) escapes apply and a backslash at the end of a line removes the newline and the whitespace that
    /// follows it; the literal form (`'`) is taken verbatim.
    mutating func multilineString(quote: UInt8) throws -> String {
        let literal = quote == UInt8(ascii: "'")
        let kind = literal ? "multi-line literal string" : "multi-line string"
        let start = line
        pos += 3
        try skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else {
                let closing = String(repeating: Character(UnicodeScalar(quote)), count: 3)
                throw TOMLError.syntax(file, start, "unterminated \(kind) (opened at line \(start)); add `\(closing)`")
            }
            switch c {
            case quote:
                if try closesMultiline(quote: c, into: &out) { return String(decoding: out, as: UTF8.self) }
            case UInt8(ascii: "\\") where !literal:
                if lineEndingBackslash() {
                    try trimAfterLineEndingBackslash()
                } else {
                    try escape(into: &out)
                }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                let from = pos
                try newline()
                out.append(contentsOf: bytes[from..<pos])
            case _ where Parser.isControl(c):
                throw TOMLError.syntax(file, line, "control character \(hexByte(c)) in a "
                    + (literal ? "literal string" : "string; write it as an escape"))
            default:
                out.append(c)
                pos += 1
            }
        }
    }

    /// At a quote inside a multi-line string: a run of 3 to 5 quotes closes it, and up to two of them belong
    /// to the content. Fewer than 3 quotes are content.
    private mutating func closesMultiline(quote: UInt8, into out: inout [UInt8]) throws -> Bool {
        var run = 0
        while peek(run) == quote { run += 1 }
        if run < 3 {
            out.append(contentsOf: repeatElement(quote, count: run))
            pos += run
            return false
        }
        if run > 5 {
            throw TOMLError.syntax(file, line, "too many quotes at the end of a multi-line string")
        }
        out.append(contentsOf: repeatElement(quote, count: run - 3))
        pos += run
        return true
    }

    private mutating func skipFirstNewline() throws {
        if peek() == UInt8(ascii: "\n") || peek() == UInt8(ascii: "\r") { try newline() }
    }

    /// True when the backslash at the cursor is followed only by spaces up to the end of the line.
    private func lineEndingBackslash() -> Bool {
        var i = 1
        while let c = peek(i), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { i += 1 }
        return peek(i) == UInt8(ascii: "\n") || peek(i) == UInt8(ascii: "\r")
    }

    private mutating func trimAfterLineEndingBackslash() throws {
        pos += 1
        while let c = peek() {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): pos += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try newline()
            default: return
            }
        }
    }

    /// The cursor is on a backslash inside a basic string.
    private mutating func escape(into out: inout [UInt8]) throws {
        guard let c = peek(1) else { throw TOMLError.syntax(file, line, "unterminated escape at the end of the file") }
        pos += 2
        switch c {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"): try unicodeEscape(digits: 4, into: &out)
        case UInt8(ascii: "U"): try unicodeEscape(digits: 8, into: &out)
        default:
            pos -= 1
            throw TOMLError.syntax(
                file, line,
                "invalid escape `\\\(found().dropFirst().dropLast())` in a string; write `\\\\` for a backslash")
        }
    }

    private mutating func unicodeEscape(digits: Int, into out: inout [UInt8]) throws {
        var scalar: UInt32 = 0
        for i in 0..<digits {
            guard let c = peek(i), let v = hexValue(c) else {
                throw TOMLError.syntax(
                    file, line, "\\\(digits == 4 ? "u" : "U") must be followed by \(digits) hex digits")
            }
            scalar = scalar << 4 | UInt32(v)
        }
        pos += digits
        guard let u = Unicode.Scalar(scalar) else {
            throw TOMLError.invalidValue(
                file, line, "escape value \(String(scalar, radix: 16, uppercase: true)) is not a Unicode scalar")
        }
        out.append(contentsOf: Array(String(Character(u)).utf8))
    }

    private func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
