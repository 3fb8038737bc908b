/// A parsed TOML value together with the line it starts on, so later checks can point at the input.
public struct TOMLValue: Sendable {
    public enum Kind: Sendable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public let kind: Kind
    /// 1-based line of the value's first character (for tables from a header: the header's line).
    public let line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    public var string: String? { if case .string(let s) = kind { s } else { nil } }
    public var integer: Int64? { if case .integer(let i) = kind { i } else { nil } }
    public var float: Double? { if case .float(let d) = kind { d } else { nil } }
    public var boolean: Bool? { if case .boolean(let b) = kind { b } else { nil } }
    public var array: [TOMLValue]? { if case .array(let a) = kind { a } else { nil } }
    public var table: TOMLTable? { if case .table(let t) = kind { t } else { nil } }

    /// The TOML name of the value's type, for messages such as "expected a string, found an integer".
    public var typeName: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: keys in the order they appear, each with its value and the line the key was written on.
public struct TOMLTable: Sendable {
    struct Entry: Sendable {
        let value: TOMLValue
        let keyLine: Int
    }

    /// 1-based line where the table starts (its header, its inline `{`, or 1 for the root table).
    public let line: Int
    /// Keys in document order.
    public let keys: [String]
    let entries: [String: Entry]

    init(line: Int, keys: [String], entries: [String: Entry]) {
        self.line = line
        self.keys = keys
        self.entries = entries
    }

    public subscript(key: String) -> TOMLValue? { entries[key]?.value }

    /// The line on which `key` was written (for a table from a header: the header's line).
    public func keyLine(_ key: String) -> Int? { entries[key]?.keyLine }

    public var isEmpty: Bool { keys.isEmpty }
}
