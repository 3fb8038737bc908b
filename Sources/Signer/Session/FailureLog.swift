/// Which failed dials a validator connection logs. A signer whose node is away dials up to four times a second,
/// and a line per dial would bury everything else: the first failure after a session (or at start) is logged
/// as it is, then one line per `interval` seconds carrying the count, and always when the reason changes.
struct FailureLog {
    let interval: Double
    private var streak = 0
    private var lastText = ""
    private var lastLogged = -Double.infinity

    init(interval: Double = 10) { self.interval = interval }

    /// The line to log for this failure, or nil to stay quiet. `afterSession`: the dial had succeeded and the
    /// session then ended, which starts a new run of failures.
    mutating func record(_ text: String, afterSession: Bool, now: Double) -> String? {
        if afterSession { streak = 0 }
        streak += 1
        defer { lastText = text }
        if streak == 1 || text != lastText {
            lastLogged = now
            return text
        }
        guard now - lastLogged >= interval else { return nil }
        lastLogged = now
        return "\(text) (\(streak) failed dials in a row; still retrying)"
    }
}
