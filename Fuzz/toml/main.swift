import TOML

// TOML: any UTF-8 text either parses or fails with `<file>:<line>: <what>` naming a line of the input.
// What parses renders back to TOML (inline form, every string escaped) that parses to the same values.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: Fuzz.bytes(data, size), as: UTF8.self) else { return 0 }
    let lines = text.utf8.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
    let table: TOMLTable
    do {
        table = try TOML.parse(text, file: "in.toml")
    } catch let error as TOMLError {
        Fuzz.check(error.description.hasPrefix("in.toml:\(error.line): "), "error not prefixed: \(error)")
        Fuzz.check((1...lines).contains(error.line), "error line \(error.line) outside 1...\(lines)")
        Fuzz.check(!error.description.contains("\n"), "error spans lines: \(error)")
        return 0
    } catch {
        Fuzz.fail("TOML.parse threw a non-TOMLError: \(error)")
    }
    checkLines(table, lines: lines)
    guard depth(of: .table(table)) < 48 else { return 0 }
    let rendered = render(table)
    do {
        let again = try TOML.parse(rendered, file: "rendered.toml")
        Fuzz.check(same(.table(table), .table(again)), "round trip changed values:\n\(rendered)")
    } catch {
        Fuzz.fail("rendering of parsed input does not parse: \(error)\n\(rendered)")
    }
    return 0
}

private func checkLines(_ table: TOMLTable, lines: Int) {
    Fuzz.check(Set(table.keys).count == table.keys.count, "duplicate keys \(table.keys)")
    for key in table.keys {
        guard let value = table[key], let keyLine = table.keyLine(key) else { Fuzz.fail("key \(key) has no entry") }
        Fuzz.check((1...lines).contains(keyLine) && (1...lines).contains(value.line),
                   "key \(key) line \(keyLine), value line \(value.line), input has \(lines) lines")
        walk(value) { if case .table(let t) = $0.kind { checkLines(t, lines: lines) } }
    }
}

private func walk(_ value: TOMLValue, _ body: (TOMLValue) -> Void) {
    body(value)
    if case .array(let items) = value.kind { items.forEach { walk($0, body) } }
}

private func depth(of kind: TOMLValue.Kind) -> Int {
    switch kind {
    case .array(let items): 1 + (items.map { depth(of: $0.kind) }.max() ?? 0)
    case .table(let t): 1 + (t.keys.compactMap { t[$0].map { depth(of: $0.kind) } }.max() ?? 0)
    default: 0
    }
}

private func render(_ table: TOMLTable) -> String {
    table.keys.map { "\(TOML.quoted($0)) = \(render(table[$0]!.kind))\n" }.joined()
}

private func render(_ kind: TOMLValue.Kind) -> String {
    switch kind {
    case .string(let s): TOML.quoted(s)
    case .integer(let i): "\(i)"
    case .float(let d): d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : "\(d)"
    case .boolean(let b): "\(b)"
    case .array(let items): "[" + items.map { render($0.kind) }.joined(separator: ", ") + "]"
    case .table(let t): "{" + t.keys.map { "\(TOML.quoted($0)) = \(render(t[$0]!.kind))" }.joined(separator: ", ") + "}"
    }
}

private func same(_ a: TOMLValue.Kind, _ b: TOMLValue.Kind) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): x == y
    case (.integer(let x), .integer(let y)): x == y
    case (.float(let x), .float(let y)): x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
    case (.boolean(let x), .boolean(let y)): x == y
    case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { same($0.kind, $1.kind) }
    case (.table(let x), .table(let y)):
        x.keys == y.keys && x.keys.allSatisfy { same(x[$0]!.kind, y[$0]!.kind) }
    default: false
    }
}
