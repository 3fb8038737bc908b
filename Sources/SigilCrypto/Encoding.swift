import CSodium

/// Standard base64 with padding, constant time (libsodium), as WireGuard and TMKMS key files use.
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String {
        _ = Sodium.ready
        let len = csodium_base64_encoded_len(bytes.count, sodium_base64_VARIANT_ORIGINAL)
        var out = [CChar](repeating: 0, count: len)
        _ = sodium_bin2base64(&out, len, bytes, bytes.count, sodium_base64_VARIANT_ORIGINAL)
        return String(cString: out)
    }

    /// Strict decode: rejects missing padding and non-canonical trailing bits, like `wg`.
    public static func decode(_ text: String) throws -> [UInt8] {
        _ = Sodium.ready
        let input = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: input.count * 3 / 4 + 3)
        var outLen = 0
        // No end pointer: with one, libsodium stops quietly at the first non-base64 byte and reports success, so
        // " Zm9v" would decode to nothing and "Zm9v!" to "foo". Without it, anything left over is an error.
        let rc = input.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { c in
                sodium_base642bin(
                    &out, out.count, c.baseAddress, c.count, nil, &outLen, nil, sodium_base64_VARIANT_ORIGINAL)
            }
        }
        guard rc == 0 else {
            throw CryptoError.invalidEncoding(
                "base64", text, expected: "standard base64 with '=' padding and no spaces, as `wg genkey` prints")
        }
        return Array(out.prefix(outLen))
    }
}

public enum Hex {
    public static func encode(_ bytes: [UInt8], uppercase: Bool = false) -> String {
        let digits: [UInt8] = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else {
            throw CryptoError.invalidEncoding("hex", text, expected: hexExpectation)
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else {
                throw CryptoError.invalidEncoding("hex", text, expected: hexExpectation)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static let hexExpectation = "an even number of hex digits (0-9, a-f, A-F)"

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}
