/// Bech32 (BIP-173, not Bech32m), as Cosmos SDK uses it for addresses and legacy amino public keys.
public enum Bech32 {
    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()
    /// Cosmos SDK decodes with a 1023-character limit instead of BIP-173's 90 (pubkeys are longer).
    static let maxLength = 1023

    /// Encodes 8-bit `data` under `hrp` (lower-cased on output).
    public static func encode(hrp: String, data: [UInt8]) -> String {
        let hrpBytes = Array(hrp.lowercased().utf8)
        let values = regroup(data, from: 8, to: 5, pad: true) ?? []
        let checksum = createChecksum(hrp: hrpBytes, values: values)
        return String(decoding: hrpBytes + [UInt8(ascii: "1")] + (values + checksum).map { charset[Int($0)] },
                      as: UTF8.self)
    }

    /// Decodes to the human-readable part and the 8-bit data.
    public static func decode(_ text: String) throws -> (hrp: String, data: [UInt8]) {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxLength else { throw KeyFormatError.invalidBech32(text, "longer than \(maxLength)") }
        guard bytes.allSatisfy({ $0 >= 33 && $0 <= 126 }) else {
            throw KeyFormatError.invalidBech32(text, "contains a character outside printable ASCII")
        }
        let hasLower = bytes.contains { $0 >= 97 && $0 <= 122 }
        let hasUpper = bytes.contains { $0 >= 65 && $0 <= 90 }
        guard !(hasLower && hasUpper) else { throw KeyFormatError.invalidBech32(text, "mixes upper and lower case") }
        let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        guard let sep = lower.lastIndex(of: UInt8(ascii: "1")) else {
            throw KeyFormatError.invalidBech32(text, "has no separator `1'")
        }
        guard sep >= 1 else { throw KeyFormatError.invalidBech32(text, "has an empty human-readable part") }
        guard lower.count - sep - 1 >= 6 else { throw KeyFormatError.invalidBech32(text, "checksum is too short") }
        let hrp = Array(lower[..<sep])
        var values: [UInt8] = []
        for c in lower[(sep + 1)...] {
            guard c < 128, reverse[Int(c)] >= 0 else {
                throw KeyFormatError.invalidBech32(text, "`\(Character(Unicode.Scalar(c)))' is not a bech32 character")
            }
            values.append(UInt8(reverse[Int(c)]))
        }
        guard polymod(expand(hrp) + values) == 1 else { throw KeyFormatError.invalidBech32(text, "checksum mismatch") }
        guard let data = regroup(Array(values.dropLast(6)), from: 5, to: 8, pad: false) else {
            throw KeyFormatError.invalidBech32(text, "data has invalid padding")
        }
        return (String(decoding: hrp, as: UTF8.self), data)
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    private static func createChecksum(hrp: [UInt8], values: [UInt8]) -> [UInt8] {
        let mod = polymod(expand(hrp) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        return (0..<6).map { UInt8((mod >> (5 * (5 - UInt32($0)))) & 31) }
    }

    /// Bit regrouping (BIP-173 `convertbits`); nil on non-zero or overlong padding when not padding.
    private static func regroup(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0
        var bits = 0
        var out: [UInt8] = []
        let maxv = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { return nil }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxv))
            }
            acc &= (1 << bits) - 1
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || (acc << (to - bits)) & maxv != 0 {
            return nil
        }
        return out
    }
}
