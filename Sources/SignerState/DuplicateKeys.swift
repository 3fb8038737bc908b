import Foundation

/// Finds a key that appears twice in one JSON object. Go's decoder (CometBFT) keeps the last value and
/// Foundation's may keep another, so a state file with a repeated key could mean two different watermarks;
/// Sigil refuses it instead of guessing. Runs on text the JSON parser accepted, so it only tracks strings
/// and nesting.
enum DuplicateKeys {
    static func first(in bytes: [UInt8]) -> String? {
        // One frame per open object or array: the keys seen so far (objects only) and whether a key comes next.
        var frames: [(isObject: Bool, keys: Set<String>, expectKey: Bool)] = []
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"): frames.append((true, [], true))
            case UInt8(ascii: "["): frames.append((false, [], false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = frames.popLast()
            case UInt8(ascii: ","):
                if let last = frames.indices.last, frames[last].isObject { frames[last].expectKey = true }
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                if let last = frames.indices.last, frames[last].isObject, frames[last].expectKey {
                    frames[last].expectKey = false
                    let raw = Data(bytes[start...min(i, bytes.count - 1)])
                    let key = (try? JSONSerialization.jsonObject(with: raw, options: .fragmentsAllowed) as? String)
                        ?? String(decoding: raw, as: UTF8.self)
                    if !frames[last].keys.insert(key).inserted { return key }
                }
            default: break
            }
            i += 1
        }
        return nil
    }
}
