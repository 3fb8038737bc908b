import KeyFormats
import SigilCrypto
import WireGuard

// Key files: every input goes to all three readers (CometBFT priv_validator_key.json, TMKMS base64 softsign
// key, WireGuard private key). A key that loads writes back to a file that loads to the same key; an error
// never quotes the secret it was reading.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    validatorKey(input)
    softsign(input)
    wireGuard(input)
    return 0
}

private func validatorKey(_ input: [UInt8]) {
    do {
        let file = try ValidatorKeyFile.parse(input, path: "priv_validator_key.json")
        let again = try ValidatorKeyFile.parse(file.rendered(), path: "rendered.json")
        Fuzz.check(again.publicKey == file.publicKey, "rendered priv_validator_key.json holds another key")
    } catch let error as KeyFormatError {
        // The secret is priv_key.value; pub_key and address are public and may be quoted.
        if let secret = privKeyValue(input) {
            Fuzz.checkQuotesNoSecret(error.description, secret: Array(secret.utf8), public: publicValues(input))
        }
    } catch {
        Fuzz.fail("ValidatorKeyFile threw a non-KeyFormatError: \(error)")
    }
}

private func softsign(_ input: [UInt8]) {
    do {
        let key = try SoftsignKey.decode(input, path: "consensus.key")
        let again = try SoftsignKey.decode(try SoftsignKey.encode(seed: key.seed), path: "encoded.key")
        Fuzz.check(again.publicKey == key.publicKey, "re-encoded softsign key holds another key")
    } catch let error as KeyFormatError {
        Fuzz.checkQuotesNoSecret(error.description, secret: input)
    } catch {
        Fuzz.fail("SoftsignKey threw a non-KeyFormatError: \(error)")
    }
}

private func wireGuard(_ input: [UInt8]) {
    do {
        let key = try KeyFile.parseKeyText(input, what: "private key in wg.key", secret: true)
        let again = try KeyFile.parseKeyText(Array((key.base64 + "\n").utf8), what: "rendered", secret: true)
        Fuzz.check(again == key, "re-encoded WireGuard key differs")
    } catch let error as WireGuardError {
        Fuzz.checkQuotesNoSecret(error.description, secret: input)
    } catch {
        Fuzz.fail("KeyFile threw a non-WireGuardError: \(error)")
    }
}

import Foundation

private func json(_ input: [UInt8]) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(input))) as? [String: Any]
}

private func privKeyValue(_ input: [UInt8]) -> String? {
    (json(input)?["priv_key"] as? [String: Any])?["value"] as? String
}

/// Strings elsewhere in the file (public key, address, types), which errors may quote.
private func publicValues(_ input: [UInt8]) -> [String] {
    // The type names the reader expects are quoted in its errors; a secret that happens to contain part of one
    // is not leaked by quoting the name.
    var out = ["tendermint/PrivKeyEd25519", "tendermint/PubKeyEd25519"]
    guard let root = json(input) else { return out }
    func collect(_ v: Any, secret: Bool) {
            if let s = v as? String, !secret { out.append(s) }
        if let d = v as? [String: Any] {
            for (k, x) in d { collect(x, secret: secret || k == "priv_key") }
        }
        if let a = v as? [Any] { a.forEach { collect($0, secret: secret) } }
    }
    for (k, v) in root { collect(v, secret: k == "priv_key") }
    if let priv = root["priv_key"] as? [String: Any] {
        priv.filter { $0.key != "value" }.values.forEach { collect($0, secret: false) }
    }
    return out
}
