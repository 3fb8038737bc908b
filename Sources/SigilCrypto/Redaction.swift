/// Decides what may be shown of text that came from a file holding secrets. It goes by what a value is, not by
/// the key it sits under: any token that could be a 32- or 64-byte key in base64 or hex is hidden.
public enum Redaction {
    private static let base64Alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
    private static let hexDigits = Set("0123456789abcdefABCDEF".utf8)

    /// True when `token` has the shape of key material: standard base64 of 32 or 64 bytes (padded or not) mixing
    /// upper and lower case, or 64 or 128 hex digits.
    public static func looksLikeKey<S: StringProtocol>(_ token: S) -> Bool {
        let bytes = Array(token.utf8)
        if bytes.allSatisfy(hexDigits.contains), [64, 128].contains(bytes.count) { return true }
        guard bytes.allSatisfy(base64Alphabet.contains) else { return false }
        let body = bytes.prefix { $0 != UInt8(ascii: "=") }
        let padding = bytes.count - body.count
        guard padding <= 2, [43, 86].contains(body.count) else { return false }
        // Random key bytes all but surely mix cases; a path or a word of that length seldom does.
        return body.contains { (65...90).contains($0) } && body.contains { (97...122).contains($0) }
    }

    /// How a hidden value is shown: its length only.
    public static func hidden<S: StringProtocol>(_ value: S) -> String {
        "(\(value.count) characters, not shown)"
    }

    /// Words a message puts right before a key it derived or read as public (`peer <key>`, `derived <key>`):
    /// those stay, so an operator can tell which peer is meant.
    public static let publicMarkers = ["peer ", "derived "]

    /// `text` with every key-shaped run of base64 characters replaced by `hidden`. With `keepingLabelledPublic`,
    /// a key a message labels as public with a `publicMarkers` word stays: only for a whole message Sigil worded,
    /// never for input it quotes (input can hold `peer <private key>` too).
    public static func scrub(_ text: String, keepingLabelledPublic: Bool = false) -> String {
        var out = ""
        var token = ""
        func flush() {
            let labelledPublic = keepingLabelledPublic && publicMarkers.contains { out.hasSuffix($0) }
            // A key takes at most two `=` of padding (hex none); a longer run of them is text after it.
            let body = token.prefix { $0 != "=" }
            let padded = token.prefix(body.count + min(2, token.count - body.count))
            let key = looksLikeKey(padded) ? padded : looksLikeKey(body) ? body : nil
            if let key, !labelledPublic { out += hidden(key) + token.dropFirst(key.count) } else { out += token }
            token = ""
        }
        for ch in text {
            if ch.utf8.count == 1, base64Alphabet.contains(ch.utf8.first!) {
                // `=` only ends a token (its padding): `<key>=more` must not hide the key inside a longer token.
                if ch != "=", token.last == "=" { flush() }
                token.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    /// True when `text` contains a key-shaped token.
    public static func containsKeyLike(_ text: String) -> Bool { scrub(text) != text }
}
