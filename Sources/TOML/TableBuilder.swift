/// The mutable table tree used while parsing. TOML forbids reopening tables in several ways, and those rules
/// depend on how a table came to exist, so each table remembers its origin until the tree is frozen.
final class TableBuilder {
    enum Origin {
        case root
        /// Created as a parent of a `[a.b]` header; a later `[a]` may still define it once.
        case implicit
        /// Defined by a `[header]` or as an element of `[[header]]`.
        case header
        /// Created by a dotted key (`a.b = 1`); only more dotted keys in the same section may extend it.
        case dotted
        /// An inline `{ ... }` table; frozen as soon as its closing brace is read.
        case inline
    }

    enum Slot {
        case value(TOMLValue, keyLine: Int)
        case table(TableBuilder)
        case tableArray(TableArrayBuilder)
    }

    var origin: Origin
    var line: Int
    private(set) var keys: [String] = []
    private(set) var slots: [String: Slot] = [:]

    init(origin: Origin, line: Int) {
        self.origin = origin
        self.line = line
    }

    func add(_ key: String, _ slot: Slot) {
        keys.append(key)
        slots[key] = slot
    }

    func freeze() -> TOMLTable {
        var entries: [String: TOMLTable.Entry] = [:]
        for key in keys {
            switch slots[key]! {
            case .value(let value, let keyLine):
                entries[key] = .init(value: value, keyLine: keyLine)
            case .table(let table):
                entries[key] = .init(value: TOMLValue(.table(table.freeze()), line: table.line), keyLine: table.line)
            case .tableArray(let array):
                let elements = array.tables.map { TOMLValue(.table($0.freeze()), line: $0.line) }
                entries[key] = .init(value: TOMLValue(.array(elements), line: array.line), keyLine: array.line)
            }
        }
        return TOMLTable(line: line, keys: keys, entries: entries)
    }
}

/// The elements of a `[[name]]` array of tables; a class so a header can append in place.
final class TableArrayBuilder {
    let line: Int
    var tables: [TableBuilder]

    init(line: Int, first: TableBuilder) {
        self.line = line
        self.tables = [first]
    }
}

/// The rules for where a header or key may create or extend a table.
struct TableRules {
    let file: String

    /// `[a.b.c]`: walks the prefix (creating implicit tables) and defines the last table.
    func defineTable(_ root: TableBuilder, path: [String], line: Int) throws -> TableBuilder {
        let parent = try walkForHeader(root, path: path, line: line)
        let key = path.last!
        let name = dotted(path)
        switch parent.slots[key] {
        case nil:
            let table = TableBuilder(origin: .header, line: line)
            parent.add(key, .table(table))
            return table
        case .table(let table):
            switch table.origin {
            case .implicit:
                table.origin = .header
                table.line = line
                return table
            case .dotted:
                throw TOMLError.redefinition(
                    file, line, "table [\(name)] was already defined by dotted keys at line \(table.line)")
            default:
                throw TOMLError.redefinition(
                    file, line, "table [\(name)] is defined twice (first at line \(table.line)); merge the two tables")
            }
        case .tableArray(let array):
            throw TOMLError.redefinition(
                file, line, "[\(name)] is an array of tables (line \(array.line)); write [[\(name)]] to add an element")
        case .value(let value, let keyLine):
            throw notATable(name, value, keyLine: keyLine, line: line)
        }
    }

    /// `[[a.b]]`: walks the prefix and appends a new table to the array at the last key.
    func appendTable(_ root: TableBuilder, path: [String], line: Int) throws -> TableBuilder {
        let parent = try walkForHeader(root, path: path, line: line)
        let key = path.last!
        let name = dotted(path)
        let table = TableBuilder(origin: .header, line: line)
        switch parent.slots[key] {
        case nil:
            parent.add(key, .tableArray(TableArrayBuilder(line: line, first: table)))
        case .tableArray(let array):
            array.tables.append(table)
        case .table(let existing):
            throw TOMLError.redefinition(
                file, line,
                "[[\(name)]] cannot add to `\(name)`: it is a table (line \(existing.line)), not an array of tables")
        case .value(let value, let keyLine):
            throw TOMLError.redefinition(
                file, line, "[[\(name)]] cannot add to `\(name)`: it is already \(value.typeName) (line \(keyLine))")
        }
        return table
    }

    /// `a.b.c = v` inside `table`: dotted prefixes may only create or extend tables made by dotted keys.
    func insert(_ table: TableBuilder, path: [String], value: TOMLValue, line: Int) throws {
        var current = table
        for (i, key) in path.dropLast().enumerated() {
            let prefix = dotted(Array(path[...i]))
            switch current.slots[key] {
            case nil:
                let child = TableBuilder(origin: .dotted, line: line)
                current.add(key, .table(child))
                current = child
            case .table(let child) where child.origin == .dotted:
                current = child
            case .table(let child):
                throw TOMLError.redefinition(
                    file, line,
                    "dotted key `\(dotted(path))` cannot extend table `\(prefix)` defined at line \(child.line)")
            case .tableArray(let array):
                throw TOMLError.redefinition(
                    file, line,
                    "dotted key `\(dotted(path))` cannot extend `\(prefix)`, an array of tables (line \(array.line))")
            case .value(let existing, let keyLine):
                throw notATable(prefix, existing, keyLine: keyLine, line: line)
            }
        }
        let key = path.last!
        if let existing = current.slots[key] {
            let first: Int
            switch existing {
            case .value(_, let keyLine): first = keyLine
            case .table(let t): first = t.line
            case .tableArray(let a): first = a.line
            }
            throw TOMLError.redefinition(file, line, "duplicate key `\(dotted(path))` (first defined at line \(first)); "
                + "keep one of the two lines")
        }
        current.add(key, .value(value, keyLine: line))
    }

    private func walkForHeader(_ root: TableBuilder, path: [String], line: Int) throws -> TableBuilder {
        var current = root
        for (i, key) in path.dropLast().enumerated() {
            switch current.slots[key] {
            case nil:
                let child = TableBuilder(origin: .implicit, line: line)
                current.add(key, .table(child))
                current = child
            case .table(let child):
                current = child
            case .tableArray(let array):
                current = array.tables[array.tables.count - 1]
            case .value(let value, let keyLine):
                throw notATable(dotted(Array(path[...i])), value, keyLine: keyLine, line: line)
            }
        }
        return current
    }

    private func notATable(_ name: String, _ value: TOMLValue, keyLine: Int, line: Int) -> TOMLError {
        if value.table != nil {
            return TOMLError.redefinition(file, line, "inline table `\(name)` (line \(keyLine)) cannot be extended")
        }
        return TOMLError.redefinition(
            file, line, "key `\(name)` is already \(value.typeName) (line \(keyLine)); it cannot also be a table")
    }

    /// A key path as it is written in TOML, so a message quoting it stays on one line whatever the key holds.
    static func dotted(_ path: [String]) -> String {
        path.map { key in
            let bare = !key.isEmpty && key.utf8.allSatisfy { Parser.isBareKeyByte($0) }
            return bare ? key : TOML.quoted(key)
        }.joined(separator: ".")
    }

    private func dotted(_ path: [String]) -> String { Self.dotted(path) }
}
