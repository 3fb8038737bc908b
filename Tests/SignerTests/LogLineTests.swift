import Foundation
import Logging
import Synchronization
import Testing
@testable import Signer

/// TMKMS's log line shape, which scrapers parse: the timestamp is built by hand (no `String(format:)` on the
/// signing path), so it is checked against the printf form it replaced.
struct LogLineTests {
    @Test(arguments: [
        (2026, 11, 30, 2, 5, 9, 7), (1970, 1, 1, 0, 0, 0, 0), (2000, 2, 29, 23, 59, 59, 999_999),
        (9999, 12, 31, 23, 59, 60, 123_456), (12345, 10, 3, 4, 5, 6, 10),
    ])
    func timestampIsThePrintfForm(_ t: (Int, Int, Int, Int, Int, Int, Int)) {
        var parts = tm()
        parts.tm_year = Int32(t.0 - 1900)
        parts.tm_mon = Int32(t.1 - 1)
        parts.tm_mday = Int32(t.2)
        parts.tm_hour = Int32(t.3)
        parts.tm_min = Int32(t.4)
        parts.tm_sec = Int32(t.5)
        let printf = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", t.0, t.1, t.2, t.3, t.4, t.5, t.6)
        #expect(TMKMSLogHandler.timestamp(parts, microseconds: t.6) == printf)
    }

    /// `--log-format json` lines are built by hand too; JSONSerialization (what they were built with) is the oracle.
    @Test func jsonLineIsWhatJSONSerializationWrites() throws {
        let ascii = String(String.UnicodeScalarView((0..<0x80).map { Unicode.Scalar(UInt8($0)) }))
        let messages = ["", "[c@tcp://10.0.0.1:26659] signed Prevote:ABCDEF0123 at h/r/s 5/0/2 (0 ms)", ascii,
                        "\u{2028}\u{2029} é 😀 \u{FEFF} \u{7F}", "a/b \\ \"q\" \\\"", "line\r\nbreak\ttab"]
        for message in messages {
            let fields = ["timestamp": "2026-11-30T03:04:05.000006Z", "level": "ERROR", "target": "sigil::session",
                          "message": message]
            let oracle = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
            let line = TMKMSLogHandler.jsonLine(timestamp: "2026-11-30T03:04:05.000006Z", level: "ERROR",
                                                target: "sigil::session", message: message)
            #expect(line == String(decoding: oracle, as: UTF8.self))
        }
        // Through a logger: the level loses the padding the text line has.
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "sigil::session") { label in
            TMKMSLogHandler(label: label, json: true, sink: { line in lines.withLock { $0.append(line) } })
        }
        logger.info("hello \"there\"")
        let line = try #require(lines.withLock { $0.first })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "INFO")
        #expect(object["message"] == "hello \"there\"")
        #expect(object["target"] == "sigil::session")
        #expect(object["timestamp"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)
    }

    @Test func textLineHasTMKMSShape() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "sigil::session") { label in
            TMKMSLogHandler(label: label, sink: { line in lines.withLock { $0.append(line) } })
        }
        logger.logLevel = .info
        logger.info("[c@tcp://h:1] signed Prevote:ABCDEF0123 at h/r/s 5/0/2 (0 ms)")
        logger.error("refused")
        logger.debug("not shown")
        let got = lines.withLock { $0 }
        #expect(got.count == 2)
        let info = try #require(got.first)
        #expect(info.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z  INFO sigil::session: \[c@tcp:\/\/h:1\] signed Prevote:ABCDEF0123 at h\/r\/s 5\/0\/2 \(0 ms\)/) != nil,
                "\(info)")
        #expect(got.last?.hasSuffix("Z ERROR sigil::session: refused") == true, "\(got)")
        // The stamp is now, in UTC, to the second (allowing for a second boundary between the two clocks).
        let stamp = String(info.prefix(19))
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let when = try #require(format.date(from: stamp))
        #expect(abs(when.timeIntervalSinceNow) < 5, "\(stamp)")
    }
}
