import SigilCrypto
import WireGuard

// wg-quick configs: any text either parses into a config that renders back to text parsing to the same config,
// or fails with an error that never quotes a key-like value other than a peer's PublicKey (a config file holds
// the interface's PrivateKey and the peers' PresharedKeys, and an operator's typo must not print them).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    // As TunnelConfig.load reads the file.
    let text = String(decoding: bytes, as: UTF8.self)
    let config: TunnelConfig
    do {
        config = try TunnelConfig.parse(text, name: "wg0", file: "wg0.conf")
    } catch let error as WireGuardError {
        Fuzz.checkQuotesNoSecret(error.description, secret: secretPart(text),
                                 public: publicKeys(text) + Fuzz.plainTokens(text), runs: Fuzz.keyShapedRuns)
        return 0
    } catch {
        Fuzz.fail("parse threw a non-WireGuardError: \(error)")
    }
    let rendered = config.render()
    do {
        let again = try TunnelConfig.parse(rendered, name: "wg0", file: "rendered.conf")
        Fuzz.check(again == config, "render/parse round trip changed the config:\n\(rendered)")
    } catch {
        Fuzz.fail("rendered config does not parse: \(error)\n\(rendered)")
    }
    return 0
}

/// Every line except `PublicKey = …` lines: whatever key-like text they hold could be a secret.
private func secretPart(_ text: String) -> [UInt8] {
    Array(text.split(separator: "\n").filter { publicKeyValue($0) == nil }.joined(separator: "\n").utf8)
}

private func publicKeys(_ text: String) -> [String] {
    text.split(separator: "\n").compactMap(publicKeyValue)
}

private func publicKeyValue(_ line: Substring) -> String? {
    let parts = line.split(separator: "=", maxSplits: 1)
    guard parts.count == 2,
          parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "publickey" else { return nil }
    return parts[1].trimmingCharacters(in: .whitespaces)
}

import Foundation
