import Testing
@testable import TOML

private func parse(_ text: String) throws -> TOMLTable { try TOML.parse(text, file: "test.toml") }

@Suite struct TOMLValueTests {
    @Test func commentsAndBlankLines() throws {
        let t = try parse("""
            # leading comment

            a = 1 # trailing comment
            \t# indented comment
            b = "x#y"   # a hash inside a string is content
            """)
        #expect(t.keys == ["a", "b"])
        #expect(t["a"]?.integer == 1)
        #expect(t["b"]?.string == "x#y")
    }

    @Test func crlfLineEndings() throws {
        let t = try parse("a = 1\r\n# c\r\nb = 'x'\r\n")
        #expect(t["a"]?.integer == 1)
        #expect(t["b"]?.string == "x")
        #expect(t.keyLine("b") == 3)
    }

    @Test func bareQuotedAndDottedKeys() throws {
        let t = try parse("""
            bare_key-1 = 1
            "quoted key" = 2
            'literal.key' = 3
            site."google.com" = true
            a . b . c = 4
            "" = 5
            """)
        #expect(t["bare_key-1"]?.integer == 1)
        #expect(t["quoted key"]?.integer == 2)
        #expect(t["literal.key"]?.integer == 3)
        #expect(t["site"]?.table?["google.com"]?.boolean == true)
        #expect(t["a"]?.table?["b"]?.table?["c"]?.integer == 4)
        #expect(t[""]?.integer == 5)
    }

    @Test func basicStringEscapes() throws {
        let t = try parse(#"s = "tab\tnl\nq\"bs\\ \u00e9 \U0001F600 \b\f\r""#)
        #expect(t["s"]?.string == "tab\tnl\nq\"bs\\ é 😀 \u{8}\u{C}\r")
    }

    @Test func literalStringsAreVerbatim() throws {
        let t = try parse(#"p = 'C:\Users\nodejs\templates'"#)
        #expect(t["p"]?.string == #"C:\Users\nodejs\templates"#)
    }

    @Test func multilineBasicString() throws {
        let t = try parse("""
            s = \"\"\"
            Roses are red
            Violets are blue\"\"\"
            t = \"\"\"The quick \\
                 brown fox.\"\"\"
            q = \"\"\"two quotes at the end""\"\"\"
            """)
        #expect(t["s"]?.string == "Roses are red\nViolets are blue")
        #expect(t["t"]?.string == "The quick brown fox.")
        #expect(t["q"]?.string == "two quotes at the end\"\"")
        #expect(t.keyLine("t") == 4)
        #expect(t.keyLine("q") == 6)
    }

    @Test func multilineLiteralString() throws {
        let t = try parse("""
            re = '''
            I [dw]on't need \\d{2} apples
            '''
            """)
        #expect(t["re"]?.string == "I [dw]on't need \\d{2} apples\n")
    }

    @Test(arguments: [
        ("a = 42", Int64(42)), ("a = +17", 17), ("a = -17", -17), ("a = 0", 0), ("a = 1_000_000", 1_000_000),
        ("a = 0xDEAD_beef", 0xDEAD_BEEF), ("a = 0o755", 0o755), ("a = 0b1101", 13),
        ("a = 9223372036854775807", Int64.max), ("a = -9223372036854775808", Int64.min),
    ])
    func integers(text: String, want: Int64) throws {
        #expect(try parse(text)["a"]?.integer == want)
    }

    @Test(arguments: [
        ("a = 1.0", 1.0), ("a = 3.1415", 3.1415), ("a = -0.01", -0.01), ("a = 5e+22", 5e22), ("a = 1e06", 1e6),
        ("a = -2E-2", -2e-2), ("a = 6.626e-34", 6.626e-34), ("a = 224_617.445_991", 224_617.445_991),
        ("a = inf", Double.infinity), ("a = -inf", -Double.infinity),
    ])
    func floats(text: String, want: Double) throws {
        #expect(try parse(text)["a"]?.float == want)
    }

    @Test func nanIsAFloat() throws {
        #expect(try parse("a = nan")["a"]?.float?.isNaN == true)
    }

    @Test func booleans() throws {
        let t = try parse("t = true\nf = false")
        #expect(t["t"]?.boolean == true)
        #expect(t["f"]?.boolean == false)
    }

    @Test func arraysMultiLineWithCommentsAndTrailingComma() throws {
        let t = try parse("""
            a = [
              "one",   # first
              'two',
              # a comment line
              "three",
            ]
            nested = [[1, 2], ["x"], []]
            mixed = [1, "a", true, { k = 1 }]
            """)
        #expect(t["a"]?.array?.compactMap(\.string) == ["one", "two", "three"])
        #expect(t["a"]?.array?.map(\.line) == [2, 3, 5])
        #expect(t["nested"]?.array?[0].array?.compactMap(\.integer) == [1, 2])
        #expect(t["nested"]?.array?[2].array?.isEmpty == true)
        #expect(t["mixed"]?.array?[3].table?["k"]?.integer == 1)
        #expect(t.keyLine("nested") == 7)
    }

    @Test func inlineTables() throws {
        let t = try parse(#"key_format = { type = "bech32", account_key_prefix = "kirapub", x.y = 1 }"#)
        let kf = try #require(t["key_format"]?.table)
        #expect(kf.keys == ["type", "account_key_prefix", "x"])
        #expect(kf["type"]?.string == "bech32")
        #expect(kf["x"]?.table?["y"]?.integer == 1)
        #expect(try parse("e = {}")["e"]?.table?.isEmpty == true)
    }

    @Test func tablesAndArraysOfTables() throws {
        let t = try parse("""
            top = 1

            [[chain]]
            id = "a"

            [[chain]]
            id = "b"
            [chain.sub]
            x = 1

            [[providers.softsign]]
            chain_ids = ["a"]

            [server]
            port = 80
            """)
        let chains = try #require(t["chain"]?.array)
        #expect(chains.count == 2)
        #expect(chains.map(\.line) == [3, 6])
        #expect(chains[0].table?["id"]?.string == "a")
        #expect(chains[1].table?["sub"]?.table?["x"]?.integer == 1)
        #expect(chains[0].table?["sub"] == nil)
        let soft = try #require(t["providers"]?.table?["softsign"]?.array)
        #expect(soft.first?.table?["chain_ids"]?.array?.first?.string == "a")
        #expect(soft.first?.line == 11)
        #expect(t["server"]?.table?.line == 14)
        #expect(t.keyLine("server") == 14)
        #expect(t["server"]?.table?.keyLine("port") == 15)
        #expect(t.keys == ["top", "chain", "providers", "server"])
    }

    @Test func superTableMayBeDefinedAfterSubTable() throws {
        let t = try parse("[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b.d]\nz = 3")
        let a = try #require(t["a"]?.table)
        #expect(a["y"]?.integer == 2)
        #expect(a.line == 3)
        #expect(a["b"]?.table?["c"]?.table?["x"]?.integer == 1)
        #expect(a["b"]?.table?["d"]?.table?["z"]?.integer == 3)
    }

    @Test func subTablesUnderDottedKeys() throws {
        let t = try parse("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true")
        let apple = try #require(t["fruit"]?.table?["apple"]?.table)
        #expect(apple["color"]?.string == "red")
        #expect(apple["texture"]?.table?["smooth"]?.boolean == true)
    }

    @Test func emptyDocument() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("\n# only a comment\n\n").isEmpty)
    }
}

@Suite struct TOMLQuotingTests {
    @Test(arguments: ["plain", "/etc/si\"gil", "C:\\keys", "line\nbreak\n[[validator]]", "tab\there", "\u{1}\u{7F}", "ünï"])
    func quotedStringsReadBackUnchanged(text: String) throws {
        let table = try TOML.parse("path = \(TOML.quoted(text))\n", file: "t.toml")
        #expect(table["path"]?.string == text)
        #expect(table.keys.count == 1)
    }
}
