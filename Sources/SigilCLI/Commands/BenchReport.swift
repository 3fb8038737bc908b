import Foundation

/// Everything measured for one signer across its rounds.
struct SignerFigures {
    var roundTrips: [Double] = []   // ms
    var handshakes: [Double] = []   // ms
    var reconnects: [Double] = []   // ms
    var cpuSeconds = 0.0
    var signatures = 0
    var peakRSSKB = 0
    var anonKB = 0

    static func percentile(_ samples: [Double], _ p: Double) -> Double? {
        let s = samples.sorted()
        guard !s.isEmpty else { return nil }
        return s[min(s.count - 1, max(0, Int((Double(s.count) * p).rounded(.up)) - 1))]
    }

    /// The table's rows: name, value (nil when not measured), unit.
    var rows: [(String, Double?, String)] {
        let mb = { (kb: Int) -> Double? in kb > 0 ? Double(kb) / 1024 : nil }
        return [
            ("sign round trip p50", Self.percentile(roundTrips, 0.5), "ms"),
            ("sign round trip p90", Self.percentile(roundTrips, 0.9), "ms"),
            ("sign round trip p99", Self.percentile(roundTrips, 0.99), "ms"),
            ("sign round trip max", roundTrips.max(), "ms"),
            ("handshake (median)", Self.percentile(handshakes, 0.5), "ms"),
            ("reconnect (median)", Self.percentile(reconnects, 0.5), "ms"),
            ("CPU per signature", signatures > 0 ? cpuSeconds * 1000 / Double(signatures) : nil, "ms"),
            ("peak RSS (VmHWM)", mb(peakRSSKB), "MB"),
            ("anonymous (RssAnon)", mb(anonKB), "MB"),
        ]
    }
}

enum BenchReport {
    /// One column per signer; with two, a third column is the first over the second (below 1: the first is
    /// faster or smaller).
    static func table(_ columns: [(name: String, figures: SignerFigures)]) -> String {
        let rowSets = columns.map { $0.figures.rows }
        var lines = [pad("", 22) + columns.map { pad($0.name, 14) }.joined()
            + (columns.count == 2 ? "\(columns[0].name)/\(columns[1].name)" : "")]
        for (i, row) in rowSets[0].enumerated() {
            let values = rowSets.map { $0[i].1 }
            var line = pad(row.0, 22) + values.map { pad(format($0, row.2), 14) }.joined()
            if values.count == 2, let a = values[0], let b = values[1], b > 0 { line += String(format: "%.2f", a / b) }
            lines.append(line.trimmingCharacters(in: .whitespaces))
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double?, _ unit: String) -> String {
        guard let value else { return "-" }
        return String(format: value < 10 ? "%.3f" : "%.1f", value) + " " + unit
    }

    static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
}
