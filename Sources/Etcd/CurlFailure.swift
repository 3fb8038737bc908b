import CCurl
import Foundation

/// libcurl's failures as one short phrase each, naming the config key to check where there is one.
enum CurlFailure {
    static func phrase(_ code: CURLcode, _ detail: String, timeoutMs: Int) -> String {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return "no answer within \(timeoutMs) ms"
        case CURLE_PEER_FAILED_VERIFICATION:
            return tlsReason("CERTIFICATE_VERIFY_FAILED")
        case CURLE_SSL_CACERT_BADFILE:
            return "cannot use ca_file (\(oneLine(detail)))"
        case CURLE_SSL_CERTPROBLEM:
            return "cannot use cert_file or key_file (\(oneLine(detail)))"
        default:
            if let alert = tlsAlert(detail) { return alert }
            let what = String(cString: ccurl_easy_strerror(code))
            return detail.isEmpty ? what : "\(what) (\(oneLine(detail)))"
        }
    }

    /// The request could not be sent or got no answer on a connection whose handshake had passed: in TLS 1.3,
    /// what a member's refusal of the client certificate looks like when its alert is lost under the request.
    static func closedAfterHandshake(_ code: CURLcode, _ detail: String) -> Bool {
        [CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING].contains(code) && tlsAlert(detail) == nil
    }

    /// OpenSSL's `...:SSL routines::sslv3 alert bad certificate` -> the phrase for `SSLV3_ALERT_BAD_CERTIFICATE`
    /// (OpenSSL's reason names, so the phrases read as they did with BoringSSL).
    static func tlsAlert(_ detail: String) -> String? {
        guard let start = detail.range(of: "SSL routines::") else { return nil }
        let text = detail[start.upperBound...].prefix { $0 != "," && $0 != "\n" }
        guard !text.isEmpty else { return nil }
        return tlsReason(text.uppercased().replacingOccurrences(of: " ", with: "_"))
    }

    /// A TLS reason (OpenSSL's name for it) -> a phrase with the config key to check.
    static func tlsReason(_ reason: String) -> String {
        switch reason {
        case "CERTIFICATE_VERIFY_FAILED":
            return "TLS handshake failed (CERTIFICATE_VERIFY_FAILED): the member's certificate does not verify "
                + "against ca_file, or does not name this address"
        case "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
             "TLSV1_ALERT_ACCESS_DENIED", "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", "TLSV13_ALERT_CERTIFICATE_REQUIRED":
            return "TLS handshake failed (\(reason)): etcd refused Sigil's client certificate (cert_file, key_file; "
                + "etcd's --trusted-ca-file must have signed it)"
        default:
            return "TLS handshake failed (\(reason))"
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
