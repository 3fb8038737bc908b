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

    /// One `write(2)` per line where the kernel takes it whole, so lines from several threads do not interleave.
    /// A failed write is dropped: logging must never stop the signer.
    public static let stderrSink: @Sendable (String) -> Void = { line in
        var text = line + "\n"
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let time = Self.timestamp(), level = Self.level(event.level)
        guard json else { return sink("\(time) \(level) \(label): \(event.message)") }
        sink(Self.jsonLine(timestamp: time, level: String(level.drop { $0 == " " }), target: label,
                           message: "\(event.message)"))
    }

    /// `{"level":...,"message":...,"target":...,"timestamp":...}`, byte for byte what `JSONSerialization` writes
    /// with `.sortedKeys` and `.withoutEscapingSlashes` (which cost about 280,000 instructions per line).
    static func jsonLine(timestamp: String, level: String, target: String, message: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count + target.utf8.count + 80)
        for (i, (key, value)) in [("level", level), ("message", message), ("target", target),
                                  ("timestamp", timestamp)].enumerated() {
            out.append(i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            appendJSONString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSONString(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// JSONSerialization's escaping: quote and backslash, the short forms \b \t \n \f \r, other control characters
    /// as \u00xx; everything else (slash, DEL, non-ASCII) as it is.
    private static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x08: out += Array("\\b".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case ..<0x20: out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func level(_ l: Logger.Level) -> String {
        switch l {
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info, .notice: return " INFO"
        case .warning: return " WARN"
        case .error, .critical: return "ERROR"
        }
    }

    /// `2026-01-01T00:00:00.000000Z` (UTC, microseconds), built by hand: `String(format:)` went through
    /// Foundation's CFString formatter and cost about as much as the rest of the log line on every signature.
    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return timestamp(parts, microseconds: Int(tv.tv_usec))
    }

    static func timestamp(_ parts: tm, microseconds: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        let fields: [(Int, Int, UInt8)] = [
            (Int(parts.tm_year) + 1900, 4, UInt8(ascii: "-")), (Int(parts.tm_mon) + 1, 2, UInt8(ascii: "-")),
            (Int(parts.tm_mday), 2, UInt8(ascii: "T")), (Int(parts.tm_hour), 2, UInt8(ascii: ":")),
            (Int(parts.tm_min), 2, UInt8(ascii: ":")), (Int(parts.tm_sec), 2, UInt8(ascii: ".")),
            (microseconds, 6, UInt8(ascii: "Z")),
        ]
        for (value, width, separator) in fields {
            appendDecimal(value, width: width, to: &out)
            out.append(separator)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `%0*d` for a value that is not negative.
    private static func appendDecimal(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1, digits = 1
        while digits < width || value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
