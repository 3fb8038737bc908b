import ArgumentParser
import Foundation
import Signer
import SignerConfig
import Sockets
import Telemetry

/// `sigil status`: a running signer's view, read from its `[metrics]` listener's `/status`.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a running signer live: chains, validator connections, tunnel (needs [metrics] in the config).")

    @Option(name: [.short, .customLong("config")],
            help: "Config file whose [metrics] addr to read (default: as for start).")
    var config: String?

    @Option(help: "The metrics listener, host:port (overrides the config).") var addr: String?
    @Flag(help: "Print once and exit.") var once = false
    @Flag(help: "Print the status as JSON once and exit.") var json = false
    @Option(help: "Seconds between refreshes in the live view.") var interval: Double = 1

    func validate() throws {
        guard interval >= 0.1 && interval <= 3600 else {
            throw ValidationError("--interval \(interval): use 0.1 to 3600 seconds")
        }
    }

    func run() throws {
        let (host, port) = try listener()
        let source = Address.format(host: host, port: port)
        if json || once {
            let body = try fetch(host, port)
            let text = json ? String(decoding: body, as: UTF8.self)
                : StatusRenderer.render(try decode(body, source), source: source)
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        while true {
            var screen: String
            do {
                screen = StatusRenderer.render(try decode(fetch(host, port), source), source: source)
            } catch {
                screen = "sigil status: \(error)\n(retrying every \(StatusRenderer.duration(interval)))\n"
            }
            // Home, clear, draw: a plain redraw that any terminal (and tmux) shows as one screen.
            FileHandle.standardOutput.write(Data(("\u{1B}[H\u{1B}[2J" + screen + "\nq or Ctrl-C quits\n").utf8))
            if Self.quitPressed(within: interval) { return }
        }
    }

    private func listener() throws -> (String, UInt16) {
        if let addr {
            do { return try Address.parse(addr) } catch { throw ValidationError("--addr \(addr): \(error)") }
        }
        guard let path = ConfigLocator.find(explicit: config) else { throw ConfigLocator.notFound(explicit: config) }
        guard let metrics = try SignerConfig.load(path: path).metrics else {
            throw TelemetryError(.notConfigured, "\(path) has no [metrics] section; add [metrics] addr = "
                + "\"127.0.0.1:9311\", restart the signer, or pass --addr")
        }
        return (metrics.host, metrics.port)
    }

    private func fetch(_ host: String, _ port: UInt16) throws -> [UInt8] {
        let (status, body) = try HTTP.get(host: host, port: port, path: "/status")
        guard status == 200 else {
            let target = Address.format(host: host, port: port)
            throw TelemetryError(.response, "http://\(target)/status answered \(status); is that Sigil's metrics addr?")
        }
        return body
    }

    private func decode(_ body: [UInt8], _ source: String) throws -> StatusSnapshot {
        do { return try StatusSnapshot.decode(body) } catch {
            throw TelemetryError(.response, "http://\(source)/status is not a Sigil status document")
        }
    }

    /// Waits `seconds` for a `q` on a terminal's stdin; false when stdin is not a terminal.
    static func quitPressed(within seconds: Double) -> Bool {
        guard isatty(0) == 1 else {
            Thread.sleep(forTimeInterval: seconds)
            return false
        }
        var saved = termios()
        tcgetattr(0, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        tcsetattr(0, TCSANOW, &raw)
        defer { tcsetattr(0, TCSANOW, &saved) }
        var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, Int32(seconds * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        return read(0, &byte, 1) == 1 && (byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q"))
    }
}
