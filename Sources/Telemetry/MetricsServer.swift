import Foundation
import Logging
import SignerConfig
import Sockets

/// The `[metrics]` listener: `/metrics` (Prometheus text), `/healthz`, `/readyz` and `/status` (JSON for
/// `sigil status`). One thread, one request per connection; a scrape never touches the signing path's locks
/// beyond the recorder's own.
public final class MetricsServer: @unchecked Sendable {
    private let listener: Listener
    private let metrics: SignerMetrics
    public let address: String

    public init(config: MetricsConfig, metrics: SignerMetrics) throws {
        let shown = Address.format(host: config.host, port: config.port)
        do { listener = try Listener.tcp(host: config.host, port: config.port) } catch {
            throw TelemetryError(.listen, "[metrics] addr = \"\(shown)\": cannot listen: \(error); "
                + "pick a free port or stop what holds it")
        }
        self.metrics = metrics
        address = Address.format(host: config.host, port: listener.port)
    }

    public func start() {
        let thread = Thread { [self] in serve() }
        thread.stackSize = 1 << 20
        thread.start()
        Logger(label: "sigil::metrics").info("metrics listening on \(address): /metrics, /healthz, /readyz, /status")
    }

    public func stop() { listener.close() }

    private func serve() {
        while true {
            do {
                let socket = try listener.accept(timeout: nil)
                HTTP.serve(socket, route: route)
            } catch let e as SocketError where e.code == .closed {
                return
            } catch {
                continue
            }
        }
    }

    func route(_ path: String) -> HTTP.Response {
        switch path {
        case "/metrics":
            return HTTP.Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                                 body: metrics.prometheusText())
        case "/healthz":
            return HTTP.Response(status: 200, text: "ok\n")
        case "/readyz":
            let s = metrics.snapshot()
            return s.ready ? HTTP.Response(status: 200, text: "ready\n")
                : HTTP.Response(status: 503, text: s.notReady.joined(separator: "\n") + "\n")
        case "/status":
            return HTTP.Response(status: 200, contentType: "application/json", body: metrics.snapshot().json())
        default:
            return HTTP.Response(status: 404, text: "not found; try /metrics, /healthz, /readyz or /status\n")
        }
    }
}
