import Foundation

/// `sigil status`'s screen: a pure function of a snapshot, so `--once` and the live view print the same thing.
public enum StatusRenderer {
    public static func render(_ s: StatusSnapshot, source: String) -> String {
        var lines: [String] = []
        let readiness = s.ready ? "READY" : "NOT READY: " + s.notReady.joined(separator: "; ")
        lines.append("sigil \(s.version) at \(source)   up \(duration(s.uptimeSeconds))   \(readiness)")
        lines.append("")
        lines.append(row(["CHAIN", "HEIGHT", "ROUND", "STEP", "LAST SIGNED", "STATE"], chainWidths))
        for c in s.chains {
            let last = c.signedSinceStart ? "\(duration(c.secondsSinceSignature)) ago"
                : "none for \(duration(c.secondsSinceSignature))"
            let none = c.height == 0 && c.step == 0
            lines.append(row([
                c.chainID, none ? "-" : "\(c.height)", none ? "-" : "\(c.round)", none ? "-" : "\(c.step)",
                last, c.stateWritable ? "writable" : "NOT WRITABLE",
            ], chainWidths))
        }
        lines.append("")
        lines.append(row(["VALIDATOR", "CHAIN", "CONNECTION", "RTT P50", "RTT P99", "CONNECTS"], validatorWidths))
        for v in s.validators {
            let state = (v.connected ? "up" : "down") + (v.secondsInState.map { " \(duration($0))" } ?? "")
            lines.append(row([
                v.validator, v.chainID, state, ms(v.roundTripP50Ms), ms(v.roundTripP99Ms), "\(v.connects)",
            ], validatorWidths))
        }
        if !s.tunnels.isEmpty {
            lines.append("")
            lines.append(row(["TUNNEL", "DEVICE", "HANDSHAKE", "RECEIVED", "SENT"], tunnelWidths))
            for t in s.tunnels {
                lines.append(row([
                    t.interface, t.up ? "up" : "unreadable",
                    t.lastHandshakeAgeSeconds.map { "\(duration($0)) ago" } ?? "never",
                    bytes(t.receivedBytes), bytes(t.sentBytes),
                ], tunnelWidths))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let chainWidths = [20, 10, 6, 5, 16, 0]
    static let validatorWidths = [40, 20, 14, 10, 10, 0]
    static let tunnelWidths = [12, 12, 14, 12, 0]

    static func row(_ cells: [String], _ widths: [Int]) -> String {
        zip(cells, widths).map { cell, width in
            width == 0 || cell.count >= width ? cell + " " : cell.padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined().trimmingCharacters(in: .whitespaces)
    }

    /// `0.4s`, `42s`, `3m07s`, `2h05m`, `3d04h`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "never" }
        if seconds < 10 { return String(format: "%.1fs", max(0, seconds)) }
        let s = Int(seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd%02dh", s / 86400, (s % 86400) / 3600)
    }

    static func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "-" }

    static func bytes(_ n: UInt64) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1 << 20 { return String(format: "%.1f KiB", Double(n) / 1024) }
        return String(format: "%.1f MiB", Double(n) / Double(1 << 20))
    }
}
