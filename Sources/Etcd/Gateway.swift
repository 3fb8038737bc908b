import CCurl
import Foundation
import SignerConfig
import Synchronization

/// One etcd member's JSON gateway through libcurl: a synchronous POST from the caller's own thread.
///
/// Easy handles are kept in a small pool, each holding its keep-alive connection, so concurrent signer threads
/// do not wait for one another and a call does not pay a TLS handshake.
final class Gateway: Sendable {
    let name: String
    private let baseURL: String
    private let tls: (ca: String, cert: String, key: String)?
    private let timeoutMs: Int
    private let headers: CurlHeaders
    private let idle = Mutex<[EasyHandle]>([])
    /// Idle handles kept per member; more callers than this at once just open more connections.
    private static let poolSize = 8
    /// No etcd answer to a one-key range or Txn comes near this; a bigger body is not etcd's.
    static let maxAnswer = 1 << 20

    enum Outcome {
        case answer(status: Int, body: [UInt8])
        case failed(String)
    }

    init(endpoint: EtcdBackendConfig.Endpoint, config: EtcdBackendConfig) throws(EtcdError) {
        if let failure = ccurl_load() {
            throw EtcdError.setup("cannot load libcurl, which the etcd backend needs (\(String(cString: failure))); "
                + "install Debian's libcurl4")
        }
        name = endpoint.description
        baseURL = endpoint.description
        if let ca = config.caFile, let cert = config.certFile, let key = config.keyFile {
            tls = (ca, cert, key)
        } else {
            tls = nil
        }
        timeoutMs = config.timeoutMs
        headers = CurlHeaders(["Content-Type: application/json", "Expect:"])
    }

    /// POSTs `body` to `path`; a failure is one short phrase (what went wrong and which config key to check).
    func post(_ path: String, _ body: [UInt8]) -> Outcome {
        guard let handle = idle.withLock({ $0.popLast() }) ?? makeHandle() else {
            return .failed("libcurl could not create a handle (out of memory?)")
        }
        let started = ContinuousClock.now
        let received = Received()
        let code: CURLcode = body.withUnsafeBytes { bytes in
            ccurl_setopt_string(handle.raw, CURLOPT_URL, baseURL + path)
            ccurl_setopt_long(handle.raw, CURLOPT_POSTFIELDSIZE, bytes.count)
            ccurl_setopt_pointer(handle.raw, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return withExtendedLifetime(received) {
                ccurl_setopt_pointer(handle.raw, CURLOPT_WRITEDATA, Unmanaged.passUnretained(received).toOpaque())
                return ccurl_easy_perform(handle.raw)
            }
        }
        // A handle whose transfer failed is dropped, not pooled: the next call starts on a fresh connection.
        guard code == CURLE_OK else { return .failed(explain(code, handle.errorText, elapsed: .now - started)) }
        var status = 0
        ccurl_getinfo_long(handle.raw, CURLINFO_RESPONSE_CODE, &status)
        idle.withLock { if $0.count < Self.poolSize { $0.append(handle) } }
        if status != 200 { return .failed(GatewayCodec.failure(status: status, body: received.bytes)) }
        return .answer(status: status, body: received.bytes)
    }

    private func makeHandle(tlsVersion: Int? = nil) -> EasyHandle? {
        guard let handle = EasyHandle() else { return nil }
        let h = handle.raw
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)  // timeouts without SIGALRM: callers are threads
        ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMs)
        ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs)
        ccurl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_string(h, CURLOPT_PROXY, "")  // never through an http(s)_proxy from the environment
        ccurl_setopt_long(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        ccurl_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
        ccurl_setopt_pointer(h, CURLOPT_HTTPHEADER, headers.list)
        ccurl_setopt_write(h, collect)
        if let tls {
            ccurl_setopt_string(h, CURLOPT_CAINFO, tls.ca)
            ccurl_setopt_string(h, CURLOPT_CAPATH, nil)
            ccurl_setopt_string(h, CURLOPT_SSLCERT, tls.cert)
            ccurl_setopt_string(h, CURLOPT_SSLKEY, tls.key)
            ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
            ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
            if let tlsVersion { ccurl_setopt_long(h, CURLOPT_SSLVERSION, tlsVersion) }
        }
        return handle
    }

    private func explain(_ code: CURLcode, _ detail: String, elapsed: Duration) -> String {
        var phrase = CurlFailure.phrase(code, detail, timeoutMs: timeoutMs)
        // In TLS 1.3 the member checks Sigil's certificate after Sigil's side of the handshake is done, so a
        // refusal shows up as a connection closed under the request. A TLS 1.2 handshake alone (nothing sent)
        // gets the member's reason as an alert.
        if tls != nil, CurlFailure.closedAfterHandshake(code, detail) {
            let left = timeoutMs - Int(elapsed / .milliseconds(1))
            if left > 20, let reason = probeHandshake(timeoutMs: left) { phrase = reason }
        }
        return phrase
    }

    /// A TLS 1.2 handshake without a request: the member's alert as a phrase, nil when it succeeds or says nothing.
    private func probeHandshake(timeoutMs: Int) -> String? {
        let v12 = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2
        guard let probe = makeHandle(tlsVersion: v12) else { return nil }
        ccurl_setopt_string(probe.raw, CURLOPT_URL, baseURL)
        ccurl_setopt_long(probe.raw, CURLOPT_CONNECT_ONLY, 1)
        ccurl_setopt_long(probe.raw, CURLOPT_TIMEOUT_MS, timeoutMs)
        ccurl_setopt_long(probe.raw, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs)
        let code = ccurl_easy_perform(probe.raw)
        guard code != CURLE_OK else { return nil }
        return CurlFailure.tlsAlert(probe.errorText)
    }
}

/// One easy handle and its error buffer; used by one thread at a time (taken out of the pool for a call).
private final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    private let errors: UnsafeMutablePointer<CChar>

    init?() {
        guard let raw = ccurl_easy_init() else { return nil }
        self.raw = raw
        let size = Int(ccurl_error_size())
        errors = .allocate(capacity: size)
        errors.initialize(repeating: 0, count: size)
        ccurl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errors)
    }

    var errorText: String { String(cString: errors) }

    deinit {
        ccurl_easy_cleanup(raw)
        errors.deallocate()
    }
}

/// The request headers, shared read-only by every handle of one member.
private final class CurlHeaders: @unchecked Sendable {
    let list: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = ccurl_slist_append(list, line) }
        self.list = list
    }

    deinit { ccurl_slist_free_all(list) }
}

/// The answer body as libcurl hands it over.
private final class Received {
    var bytes: [UInt8] = []
}

/// libcurl's write callback: appends to the call's `Received`; a body beyond `maxAnswer` ends the transfer.
private let collect: ccurl_write_callback = { data, size, count, context in
    let n = size * count
    guard let data, let context else { return 0 }
    let received = Unmanaged<Received>.fromOpaque(context).takeUnretainedValue()
    guard received.bytes.count + n <= Gateway.maxAnswer else { return 0 }
    received.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
    return n
}
