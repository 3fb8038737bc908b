import Foundation
import SigilCrypto
import TestSupport
import Testing

/// The shape every Wycheproof `testvectors_v1` file shares; each suite supplies its own group and test types.
struct WycheproofFile<Group: WycheproofGroup>: Decodable {
    let algorithm: String
    let numberOfTests: Int
    let testGroups: [Group]

    static func load(_ name: String) throws -> WycheproofFile {
        try Vectors.decode(WycheproofFile.self, "wycheproof/\(name)")
    }

    /// Calls `body` for every test with its group, and checks afterwards that the file held as many tests as it
    /// claims, so a decoding slip cannot shrink the suite silently.
    func forEach(_ body: (Group, Group.Test) throws -> Void) rethrows {
        var seen = 0
        for group in testGroups {
            for test in group.tests {
                try body(group, test)
                seen += 1
            }
        }
        #expect(seen == numberOfTests, "\(algorithm): ran \(seen) of \(numberOfTests) tests")
    }
}

protocol WycheproofGroup: Decodable {
    associatedtype Test: WycheproofTest
    var tests: [Test] { get }
}

protocol WycheproofTest: Decodable {
    var tcId: Int { get }
    var comment: String { get }
    var flags: [String] { get }
    var result: WycheproofResult { get }
}

extension WycheproofTest {
    /// How a failure names its case: tcId, comment and flags.
    var name: String { "tcId \(tcId) (\(comment.isEmpty ? "no comment" : comment); \(flags.joined(separator: ",")))" }
}

enum WycheproofResult: String, Decodable {
    /// The operation must succeed with the given output.
    case valid
    /// Either outcome is allowed by the algorithm; each suite asserts the one Sigil chooses.
    case acceptable
    /// The operation must fail.
    case invalid
}

/// Wycheproof byte strings are hex.
struct HexBytes: Decodable, Hashable {
    let bytes: [UInt8]
    init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        bytes = [UInt8](hex: text)
    }
}

/// Expects `body` to throw a `CryptoError` with this code (equality on `CryptoError` is on the code alone).
func expectCryptoError<R>(
    _ code: CryptoError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    let error = #expect(throws: CryptoError.self, comment, sourceLocation: sourceLocation) { _ = try body() }
    #expect(error?.code == code, comment, sourceLocation: sourceLocation)
}
