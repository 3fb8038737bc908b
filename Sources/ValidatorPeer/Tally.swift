/// What a validator stand-in saw from a signer: counts, refusals and round trips, and the summary line that
/// `sigil testnode` prints when it stops.
public struct Tally: Sendable {
    public private(set) var connections = 0
    public private(set) var heights = 0
    public private(set) var verified = 0
    public private(set) var refused = 0
    public private(set) var invalid = 0
    public private(set) var firstHeight: Int64?
    public private(set) var lastHeight: Int64?
    private var roundTrips: [Double] = []

    public init() {}

    public mutating func connected() { connections += 1 }

    /// One signature that verified against the signer's key, `milliseconds` from request to reply.
    public mutating func verified(milliseconds: Double) {
        verified += 1
        roundTrips.append(milliseconds)
    }

    public mutating func refusal() { refused += 1 }
    public mutating func invalidSignature() { invalid += 1 }

    /// A height whose every request was answered with a verified signature.
    public mutating func committed(_ height: Int64) {
        heights += 1
        if firstHeight == nil { firstHeight = height }
        lastHeight = height
    }

    /// Heights asked for so far, signed or refused.
    public var attempted: Int { heights + refused }

    /// Everything verified and nothing refused.
    public var clean: Bool { invalid == 0 && refused == 0 }

    public var summary: String {
        var line = "testnode: summary: \(heights) heights"
        if let first = firstHeight, let last = lastHeight { line += " (\(first)...\(last))" }
        line += ", \(verified) signatures verified, \(refused) refused, \(invalid) invalid, \(connections) connection"
        line += connections == 1 ? "" : "s"
        if !roundTrips.isEmpty {
            let sorted = roundTrips.sorted()
            line += ", round trip p50 " + Self.ms(Self.percentile(sorted, 0.5)) + " p99 " + Self.ms(Self.percentile(sorted, 0.99))
        }
        return line
    }

    /// The nearest-rank percentile of ascending `sorted` samples.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    private static func ms(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
