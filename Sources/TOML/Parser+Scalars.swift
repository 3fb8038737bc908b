extension Parser {
    /// Booleans, integers and floats. The token runs up to the next space, comma, bracket, brace or comment.
    mutating func scalar() throws -> TOMLValue {
        let valueLine = line
        let start = pos
        while let c = peek(), Parser.isScalarByte(c) { pos += 1 }
        let token = String(decoding: bytes[start..<pos], as: UTF8.self)
        if token.isEmpty {
            throw TOMLError.syntax(file, line, "expected a value, found \(found())")
        }
        switch token {
        case "true": return TOMLValue(.boolean(true), line: valueLine)
        case "false": return TOMLValue(.boolean(false), line: valueLine)
        case "inf", "+inf": return TOMLValue(.float(.infinity), line: valueLine)
        case "-inf": return TOMLValue(.float(-.infinity), line: valueLine)
        case "nan", "+nan", "-nan": return TOMLValue(.float(.nan), line: valueLine)
        default: break
        }
        let chars = Array(token.utf8)
        if looksLikeDateTime(chars) {
            throw TOMLError.unsupported(
                file, valueLine, "date-time value \(shown(token)) is not supported; quote it as a string")
        }
        guard let first = chars.first,
            first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || isDigit(first)
        else {
            throw TOMLError.syntax(
                file, valueLine, "invalid value \(shown(token)); strings must be quoted (\"...\"), booleans are true/false")
        }
        if chars.count > 2, chars[0] == UInt8(ascii: "0"), let radix = radix(chars[1]) {
            let n = try prefixedInteger(chars, radix: radix, token: token, line: valueLine)
            return TOMLValue(.integer(n), line: valueLine)
        }
        return try decimal(chars, token: token, line: valueLine)
    }

    static func isScalarByte(_ c: UInt8) -> Bool {
        isBareKeyByte(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// `1979-05-27`, `07:32:00`: recognised only to reject them with a clear message.
    private func looksLikeDateTime(_ c: [UInt8]) -> Bool {
        if c.count >= 5, c[0..<4].allSatisfy(isDigit), c[4] == UInt8(ascii: "-") { return true }
        if c.count >= 3, c[0..<2].allSatisfy(isDigit), c[2] == UInt8(ascii: ":") { return true }
        return false
    }

    private func radix(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    /// `0x1F`, `0o17`, `0b101` with underscores only between digits; no sign allowed.
    private func prefixedInteger(_ chars: [UInt8], radix: Int, token: String, line: Int) throws -> Int64 {
        let body = Array(chars[2...])
        let digits = try stripUnderscores(body, token: token, line: line) { c in
            Int(String(UnicodeScalar(c)), radix: radix) != nil
        }
        guard let value = Int64(String(decoding: digits, as: UTF8.self), radix: radix) else {
            throw TOMLError.invalidValue(file, line, "integer \(shown(token)) does not fit in 64 bits")
        }
        return value
    }

    /// Decimal integers and floats per TOML 1.0: optional sign, no leading zeros, `_` only between digits,
    /// a fraction needs digits on both sides of the dot.
    private func decimal(_ chars: [UInt8], token: String, line: Int) throws -> TOMLValue {
        var i = 0
        if chars[0] == UInt8(ascii: "+") || chars[0] == UInt8(ascii: "-") { i = 1 }
        let invalid = TOMLError.syntax(file, line, "invalid number \(shown(token))")

        func digitRun() throws -> [UInt8] {
            let begin = i
            while i < chars.count, isDigit(chars[i]) || chars[i] == UInt8(ascii: "_") { i += 1 }
            guard i > begin else { throw invalid }
            return try stripUnderscores(Array(chars[begin..<i]), token: token, line: line, isDigit)
        }

        let integerPart = try digitRun()
        if integerPart.count > 1, integerPart[0] == UInt8(ascii: "0") {
            throw TOMLError.syntax(file, line, "invalid number \(shown(token)): leading zeros are not allowed")
        }
        var isFloat = false
        if i < chars.count, chars[i] == UInt8(ascii: ".") {
            i += 1
            _ = try digitRun()
            isFloat = true
        }
        if i < chars.count, chars[i] == UInt8(ascii: "e") || chars[i] == UInt8(ascii: "E") {
            i += 1
            if i < chars.count, chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") { i += 1 }
            _ = try digitRun()
            isFloat = true
        }
        guard i == chars.count else { throw invalid }

        let plain = String(decoding: chars.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if isFloat {
            guard let d = Double(plain) else { throw invalid }
            return TOMLValue(.float(d), line: line)
        }
        guard let n = Int64(plain) else {
            throw TOMLError.invalidValue(file, line, "integer \(shown(token)) does not fit in 64 bits")
        }
        return TOMLValue(.integer(n), line: line)
    }

    private func stripUnderscores(
        _ body: [UInt8], token: String, line: Int, _ isDigit: (UInt8) -> Bool
    ) throws -> [UInt8] {
        var out: [UInt8] = []
        for (i, c) in body.enumerated() {
            if c == UInt8(ascii: "_") {
                guard i > 0, i + 1 < body.count, isDigit(body[i - 1]), isDigit(body[i + 1]) else {
                    throw TOMLError.syntax(file, line, "invalid number \(shown(token)): `_` must sit between two digits")
                }
                continue
            }
            guard isDigit(c) else { throw TOMLError.syntax(file, line, "invalid number \(shown(token))") }
            out.append(c)
        }
        guard !out.isEmpty else { throw TOMLError.syntax(file, line, "invalid number \(shown(token))") }
        return out
    }
}
