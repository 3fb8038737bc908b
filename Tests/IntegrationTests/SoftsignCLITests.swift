import Foundation
import Testing
import TestSupport

/// `sigil softsign import` on CometBFT's real key format gives TMKMS's softsign file byte for byte.
struct SoftsignCLITests {
    static let vectors = "keys/derived-key-values.json"

    @Test(.enabled(if: Vectors.available(vectors)))
    func importWritesTheTmkmsSoftsignFile() throws {
        let json = try #require(Vectors.json(Self.vectors) as? [String: Any])
        let key = try #require((json["keys"] as? [[String: Any]])?.first)
        let dir = try TempDir("sigil-softsign")
        defer { dir.remove() }
        let input = dir.path("priv_validator_key.json"), output = dir.path("consensus.key")
        let body = try JSONSerialization.data(withJSONObject: try #require(key["priv_validator_key_json"]))
        FileManager.default.createFile(atPath: input, contents: body, attributes: [.posixPermissions: 0o600])

        let (status, out) = try run(Built.sigil.path, ["softsign", "import", input, output])
        #expect(status == 0, "\(out)")
        // Values quoted from the reference notes for seed SHA-256("it's a secret").
        #expect(out.contains("kiravalconspub1zcjduepq244yxmcjrrfsjsh0u7vyyr63mjdk5vgmj2w90qjhg47st30u7gcq43qlfd"), "\(out)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "nYNNP8rE7iVTa3DhU3b+u2l4YatXNAXYuJKQQX/RYHA=")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int)
        #expect(mode == 0o600)

        let (again, out2) = try run(Built.sigil.path, ["softsign", "import", input, output])
        #expect(again != 0 && out2.contains(output), "never overwrites a key: \(out2)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "nYNNP8rE7iVTa3DhU3b+u2l4YatXNAXYuJKQQX/RYHA=")
    }
}
