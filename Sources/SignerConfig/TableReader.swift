import TOML

/// Reads one TOML table strictly, as serde's `deny_unknown_fields` does: any key not listed is an error
/// naming its line, and every value must have the expected type.
struct TableReader {
    let table: TOMLTable
    let file: String
    /// How messages name the table, e.g. `[[validator]]`.
    let name: String

    init(_ table: TOMLTable, file: String, name: String, allowed: [String]) throws(ConfigError) {
        self.table = table
        self.file = file
        self.name = name
        for key in table.keys where !allowed.contains(key) {
            throw ConfigError(
                .unknownField, file, table.keyLine(key) ?? table.line,
                "unknown field `\(key)` in \(name); expected one of: \(allowed.joined(separator: ", "))")
        }
    }

    func line(_ key: String) -> Int { table.keyLine(key) ?? table.line }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let s = value.string else { throw wrongType(key, value, "a string") }
        return s
    }

    /// A required, non-empty string; `example` shows the fix in the message.
    func requiredString(_ key: String, example: String) throws(ConfigError) -> String {
        guard let s = try string(key) else {
            throw ConfigError(.missingField, file, table.line, "\(name) is missing `\(key)`; add \(key) = \(example)")
        }
        guard !s.isEmpty else {
            throw ConfigError(.invalidValue, file, line(key),
                "`\(key)` in \(name) is empty; set it, e.g. \(key) = \(example)")
        }
        return s
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let b = value.boolean else { throw wrongType(key, value, "a boolean (true or false)") }
        return b
    }

    func integer(_ key: String, in range: ClosedRange<Int64>) throws(ConfigError) -> Int64? {
        guard let value = table[key] else { return nil }
        guard let n = value.integer else { throw wrongType(key, value, "an integer") }
        guard range.contains(n) else {
            throw ConfigError(
                .invalidValue, file, value.line,
                "`\(key)` = \(n) in \(name) is out of range; use \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }

    func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw wrongType(key, value, "an array of strings") }
        var out: [String] = []
        for element in array {
            guard let s = element.string else { throw wrongType(key, element, "an array of strings") }
            out.append(s)
        }
        return out
    }

    func table(_ key: String) throws(ConfigError) -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let t = value.table else { throw wrongType(key, value, "a table ({ ... })") }
        return t
    }

    /// One of `choices` (a string); `nil` when absent.
    func choice<T>(_ key: String, _ choices: [(String, T)]) throws(ConfigError) -> T? {
        guard let s = try string(key) else { return nil }
        guard let match = choices.first(where: { $0.0 == s }) else {
            let names = choices.map { "\"\($0.0)\"" }.joined(separator: ", ")
            throw ConfigError(.invalidValue, file, line(key), "`\(key)` = \"\(s)\" in \(name) is not one of \(names)")
        }
        return match.1
    }

    private func wrongType(_ key: String, _ value: TOMLValue, _ want: String) -> ConfigError {
        ConfigError(.wrongType, file, value.line, "`\(key)` in \(name) must be \(want), found \(value.typeName)")
    }
}
