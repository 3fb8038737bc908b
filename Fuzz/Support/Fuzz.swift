import Glibc

/// Shared by every harness: the input as bytes, and invariant checks that stop the run with a message, so
/// libFuzzer records the input as a crash.
enum Fuzz {
    static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
        if !condition() { fail(message(), file: file, line: line) }
    }

    static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        let text = Array("invariant broken at \(file):\(line): \(message)\n".utf8)
        _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }  // all of it, NUL bytes included
        abort()
    }

    /// An error message must not carry a secret: neither its bytes as text nor their base64 or hex.
}

extension Fuzz {
    /// Runs of base64 characters (what a key looks like) at least `minimum` long.
    static func base64Runs(_ bytes: [UInt8], minimum: Int = 16) -> [String] {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        return bytes.split(whereSeparator: { !alphabet.contains($0) }).filter { $0.count >= minimum }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// An error about secret input may describe it (length, kind) but must not quote any key-like run of it,
    /// in whole or in part.
    static func keyShapedRuns(_ bytes: [UInt8]) -> [String] {
        tokens(bytes).filter(isKeyShaped).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Tokens of `text` that are not key-shaped (addresses, hosts, names): an error may quote them, even where one
    /// happens to share characters with a key elsewhere in the input.
    static func plainTokens(_ text: String) -> [String] {
        tokens(Array(text.utf8)).filter { !isKeyShaped($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Maximal runs of base64 characters other than `=`: a key's padding ends it.
    private static func tokens(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        return bytes.split(whereSeparator: { !alphabet.contains($0) })
    }

    /// Key-shaped: base64 of 32 or 64 bytes (43 or 86 characters before any `=`) mixing upper and lower case, or
    /// 64 or 128 hex digits. What a wg-quick config may hold besides keys (hosts, paths) seldom looks so.
    private static func isKeyShaped(_ run: ArraySlice<UInt8>) -> Bool {
        let hex = Set("0123456789abcdefABCDEF".utf8)
        if [64, 128].contains(run.count) && run.allSatisfy(hex.contains) { return true }
        return [43, 86].contains(run.count) && run.contains { (65...90).contains($0) }
            && run.contains { (97...122).contains($0) }
    }

    /// `public` holds text that may legitimately be quoted even where it overlaps the secret.
    static func checkQuotesNoSecret(_ message: String, secret: [UInt8], public: [String] = [],
                                    runs: ([UInt8]) -> [String] = { base64Runs($0) }) {
        for run in runs(secret) {
            let head = String(run.prefix(16))
            if `public`.contains(where: { $0.contains(head) }) { continue }
            check(!message.contains(head), "message quotes secret input `\(head)…': \(message)")
        }
    }
}
