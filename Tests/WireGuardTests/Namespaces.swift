import Foundation
import TestSupport

/// Root-only test fixtures: throw-away network namespaces made with ip(8). Tests use ip/wg only to set up and
/// to cross-check; the code under test never shells out to them.
enum Root {
    static var enabled: Bool { getuid() == 0 || Vectors.isCI }

    static func unique(_ prefix: String) -> String {
        prefix + String(UInt32.random(in: 0..<0xFFFFF), radix: 36)
    }

    @discardableResult
    static func ip(_ args: [String]) throws -> String {
        let (rc, out) = try run("/usr/sbin/ip", args)
        guard rc == 0 else { throw Failure(what: "ip \(args.joined(separator: " "))", output: out) }
        return out
    }

    struct Failure: Error, CustomStringConvertible {
        let what: String
        let output: String
        var description: String { "\(what) failed: \(output)" }
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
        TestSupport.eventually(timeout: timeout, condition)
    }
}
