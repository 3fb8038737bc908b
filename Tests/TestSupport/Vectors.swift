import Foundation

/// Finds the shared upstream vectors in `../shared/vectors` beside the repository root.
///
/// With `CI=true` a missing vector file is a failure, so `available` reports true there and the
/// test fails when it loads the file; elsewhere a test gated on `available` is skipped.
public enum Vectors {
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["SIGIL_VECTORS"] {
            return URL(fileURLWithPath: override)
        }
        // Tests/TestSupport/Vectors.swift -> repository root -> ../shared/vectors
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    }()

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// True when the file exists, and always true under CI so that a missing file fails loudly.
    public static func available(_ relative: String) -> Bool {
        isCI || FileManager.default.fileExists(atPath: url(relative).path)
    }

    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "vector file missing: \(path) (expected beside the repo in ../shared/vectors)" }
    }

    public static func data(_ relative: String) throws -> Data {
        let u = url(relative)
        guard let d = FileManager.default.contents(atPath: u.path) else { throw Missing(path: u.path) }
        return d
    }

    public static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relative))
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ relative: String) throws -> T {
        try JSONDecoder().decode(T.self, from: data(relative))
    }
}

extension Array where Element == UInt8 {
    /// Decodes lower- or upper-case hex; traps on malformed input because vectors are trusted data.
    public init(hex: String) {
        let chars = Array(hex.utf8)
        precondition(chars.count % 2 == 0, "odd-length hex: \(hex)")
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: preconditionFailure("bad hex digit in \(hex)")
            }
        }
        self = stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
    }

    public var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
