import SignerConfig

// tmkms.toml: any UTF-8 text either loads into a config whose every chain, provider and validator points
// at a line of the input and whose validators only name defined chains, or fails with one
// `<file>:<line>: <what>` error on a line of the input. Parsing is deterministic.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: Fuzz.bytes(data, size), as: UTF8.self) else { return 0 }
    let lines = 1...text.utf8.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
    let config: SignerConfig
    do {
        config = try SignerConfig.parse(text, file: "tmkms.toml")
    } catch {
        Fuzz.check(error.description.hasPrefix("tmkms.toml:\(error.line): "), "error not prefixed: \(error)")
        Fuzz.check(error.line == 0 || lines.contains(error.line), "error line \(error.line) outside \(lines)")
        Fuzz.check(!error.description.contains("\n"), "error spans lines: \(error)")
        return 0
    }
    Fuzz.check((try? SignerConfig.parse(text, file: "tmkms.toml")) == config, "second parse differs")
    let chains = Set(config.chains.map(\.id))
    Fuzz.check(chains.count == config.chains.count, "duplicate chains accepted: \(config.chains.map(\.id))")
    for c in config.chains { Fuzz.check(lines.contains(c.line), "chain \(c.id) at line \(c.line)") }
    for p in config.softsign {
        Fuzz.check(lines.contains(p.line), "provider at line \(p.line)")
        Fuzz.check(p.chainIDs.allSatisfy(chains.contains), "provider names an undefined chain: \(p.chainIDs)")
    }
    for v in config.validators {
        Fuzz.check(lines.contains(v.line), "validator at line \(v.line)")
        Fuzz.check(chains.contains(v.chainID), "validator for undefined chain \(v.chainID)")
    }
    for w in config.warnings { Fuzz.check(w.hasPrefix("tmkms.toml:"), "warning without file: \(w)") }
    return 0
}
