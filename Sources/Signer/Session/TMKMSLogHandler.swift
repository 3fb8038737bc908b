import Foundation
import Logging

/// Prints log lines in the shape TMKMS (Rust `tracing`) uses, so existing scrapers keep working:
/// `2026-01-01T00:00:00.000000Z  INFO sigil::session: [chain@tcp://host:port] signed Prevote:... at h/r/s 5/0/2 (0 ms)`.
public struct TMKMSLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let json: Bool
    private let sink: @Sendable (String) -> Void

    /// `json`: one object per line with the text line's fields (`timestamp`, `level`, `target`, `message`).
    public init(label: String, json: Bool = false,
                sink: @escaping @Sendable (String) -> Void = TMKMSLogHandler.stderrSink) {
        self.label = label
        self.json = json
        self.sink = sink
    }

    public static let stderrSink: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let time = Self.timestamp(), level = Self.level(event.level)
        guard json else { return sink("\(time) \(level) \(label): \(event.message)") }
        let fields = ["timestamp": time, "level": level.trimmingCharacters(in: .whitespaces), "target": label,
                      "message": "\(event.message)"]
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        sink(String(decoding: data, as: UTF8.self))
    }

    static func level(_ l: Logger.Level) -> String {
        switch l {
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info, .notice: return " INFO"
        case .warning: return " WARN"
        case .error, .critical: return "ERROR"
        }
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                      parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(tv.tv_usec))
    }
}
