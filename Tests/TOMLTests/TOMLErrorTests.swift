import Testing
@testable import TOML

/// Malformed documents: each must fail with the given kind, at the given line, with a message naming the problem.
@Suite struct TOMLErrorTests {
    struct Case: CustomStringConvertible, Sendable {
        let text: String
        let code: TOMLError.Code
        let line: Int
        let mentions: String
        var description: String {
            text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "⏎")
        }
    }

    static let cases: [Case] = [
        Case(text: "a = 1\na = 2", code: .redefinition, line: 2,
             mentions: "duplicate key `a` (first defined at line 1); keep one of the two lines"),
        Case(text: "a", code: .syntax, line: 1, mentions: "expected `=`"),
        Case(text: "a = ", code: .syntax, line: 1, mentions: "expected a value"),
        Case(text: "= 1", code: .syntax, line: 1, mentions: "expected a key"),
        Case(text: "a = 1 b = 2", code: .syntax, line: 1, mentions: "expected the end of the line"),
        Case(text: "a = bare", code: .syntax, line: 1, mentions: "strings must be quoted"),
        Case(text: "a = \"open", code: .syntax, line: 1, mentions: "unterminated string"),
        Case(text: "\n\na = \"\"\"open\nmore", code: .syntax, line: 3, mentions: "unterminated multi-line string"),
        Case(text: "a = 'open", code: .syntax, line: 1, mentions: "unterminated literal string"),
        Case(text: #"a = "\q""#, code: .syntax, line: 1, mentions: "invalid escape `\\q`"),
        Case(text: #"a = "\u12""#, code: .syntax, line: 1, mentions: "4 hex digits"),
        Case(text: #"a = "\uD800""#, code: .invalidValue, line: 1, mentions: "not a Unicode scalar"),
        Case(text: "a = \"tab\u{1}\"", code: .syntax, line: 1, mentions: "control character U+0001"),
        Case(text: "a = 01", code: .syntax, line: 1, mentions: "leading zeros"),
        Case(text: "a = 1__0", code: .syntax, line: 1, mentions: "`_` must sit between two digits"),
        Case(text: "a = _1", code: .syntax, line: 1, mentions: "strings must be quoted"),
        Case(text: "a = 1_", code: .syntax, line: 1, mentions: "`_` must sit between two digits"),
        Case(text: "a = 1.", code: .syntax, line: 1, mentions: "invalid number `1.`"),
        Case(text: "a = .5", code: .syntax, line: 1, mentions: "strings must be quoted"),
        Case(text: "a = 1e", code: .syntax, line: 1, mentions: "invalid number"),
        Case(text: "a = 0xG1", code: .syntax, line: 1, mentions: "invalid number"),
        Case(text: "a = 9223372036854775808", code: .invalidValue, line: 1, mentions: "does not fit in 64 bits"),
        Case(text: "a = 1979-05-27T07:32:00Z", code: .unsupported, line: 1, mentions: "date-time"),
        Case(text: "a = TRUE", code: .syntax, line: 1, mentions: "invalid value `TRUE`"),
        Case(text: "a = [1, 2", code: .syntax, line: 1, mentions: "unterminated array"),
        Case(text: "a = [1 2]", code: .syntax, line: 1, mentions: "expected `,` or `]`"),
        Case(text: "a = [,]", code: .syntax, line: 1, mentions: "expected a value"),
        Case(text: "a = { x = 1, }", code: .syntax, line: 1, mentions: "trailing comma"),
        Case(text: "a = { x = 1\n}", code: .syntax, line: 1, mentions: "same line"),
        Case(text: "a = { x = 1, x = 2 }", code: .redefinition, line: 1, mentions: "duplicate key `x`"),
        Case(text: "a = { x = 1 }\na.y = 2", code: .redefinition, line: 2,
             mentions: "inline table `a` (line 1) cannot be"),
        Case(text: "a = { x = 1 }\n[a]", code: .redefinition, line: 2, mentions: "inline table `a` (line 1) cannot be"),
        Case(text: "a = { x = 1 }\n[a.b]", code: .redefinition, line: 2,
             mentions: "inline table `a` (line 1) cannot be"),
        Case(text: "[a]\n[a]", code: .redefinition, line: 2, mentions: "table [a] is defined twice (first at line 1); merge the two tables"),
        Case(text: "[a]\nb = 1\n[a.b]", code: .redefinition, line: 3, mentions: "key `a.b` is already an integer"),
        Case(text: "[a]\nb.c = 1\n[a.b]", code: .redefinition, line: 3, mentions: "already defined by dotted keys"),
        Case(text: "[a.b.c]\n[a]\nb.c.d = 1", code: .redefinition, line: 3, mentions: "cannot extend table `b`"),
        Case(text: "[[a]]\n[a]", code: .redefinition, line: 2, mentions: "write [[a]] to add an element"),
        Case(text: "[a]\n[[a]]", code: .redefinition, line: 2, mentions: "not an array of tables"),
        Case(text: "a = []\n[[a]]", code: .redefinition, line: 2, mentions: "already an array"),
        Case(text: "[a", code: .syntax, line: 1, mentions: "expected `]`"),
        Case(text: "[[a]", code: .syntax, line: 1, mentions: "expected `]]`"),
        Case(text: "[]", code: .syntax, line: 1, mentions: "expected a key"),
        Case(text: "[a] x = 1", code: .syntax, line: 1, mentions: "expected the end of the line"),
        Case(text: "a.\"\"\"b\"\"\" = 1", code: .syntax, line: 1, mentions: "multi-line"),
        Case(text: "a = 1\rb = 2", code: .syntax, line: 1, mentions: "carriage return"),
        Case(text: "a = \"x\" # bell\u{7}", code: .syntax, line: 1, mentions: "control character U+0007 in a comment"),
        Case(text: "a = '''x''''''", code: .syntax, line: 1, mentions: "too many quotes"),
    ]

    @Test(arguments: cases)
    func rejected(_ c: Case) {
        do {
            let t = try TOML.parse(c.text, file: "conf/x.toml")
            Issue.record("parsed without error: \(t.keys)")
        } catch let e as TOMLError {
            #expect(e.code == c.code, "\(e)")
            #expect(e.line == c.line, "\(e)")
            #expect(e.description.hasPrefix("conf/x.toml:\(c.line): "), "\(e)")
            #expect(e.description.contains(c.mentions), "\(e)")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func equalityIsOnCodeOnly() {
        let a = TOMLError.syntax("a", 1, "one")
        let b = TOMLError.syntax("b", 2, "two")
        #expect(a == b)
        #expect(a != TOMLError.unsupported("a", 1, "one"))
    }
}

@Suite struct TOMLSecretTokenTests {
    /// A key pasted unquoted into a config is described by its length, never echoed, however the parser stops.
    @Test(arguments: ["secret_key = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
                      "secret_key = 1yAnz5TF+lXXJte14tji3zlMNq", "yAnz5TF+lX = 1"])
    func pastedKeysAreNotEchoed(line: String) {
        do {
            _ = try TOML.parse(line + "\n", file: "t.toml")
            Issue.record("accepted \(line)")
        } catch {
            #expect(!"\(error)".contains("yAnz5TF"), "\(error)")
            #expect("\(error)".contains("characters, not shown"), "\(error)")
        }
    }

    @Test func wordsAndNamesAreStillQuoted() {
        #expect(shown("protocol_versoin") == "`protocol_versoin`")
        #expect(shown("1__2") == "`1__2`")
        #expect(shown("yes") == "`yes`")
    }
}
