import TestSupport

/// Hex with spaces and `|` separators allowed, so expected messages can be laid out field by field.
func hex(_ parts: String...) -> [UInt8] {
    [UInt8](hex: parts.joined().filter { $0.isHexDigit })
}
