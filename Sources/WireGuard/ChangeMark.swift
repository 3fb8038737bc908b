import Foundation

/// When `sigil tunnel up` last changed an interface, so `wait-handshake` can insist on a handshake made after
/// that change: an older one only proves the configuration before it worked. Kept under /run, so a reboot (which
/// drops the interface too) forgets it.
public enum ChangeMark {
    static let directory = "/run/sigil"

    static func path(_ interface: String) -> String { "\(directory)/\(interface).changed" }

    /// Records now as `interface`'s last change. Best effort: without the mark, `wait-handshake` falls back to
    /// its own start, which is stricter.
    public static func record(interface: String, at time: Double = WallClock.now) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? "\(time)\n".write(toFile: path(interface), atomically: true, encoding: .utf8)
    }

    /// Unix time of the last recorded change, nil when none is recorded.
    public static func last(interface: String) -> Double? {
        guard let text = try? String(contentsOfFile: path(interface), encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
