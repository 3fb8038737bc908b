import Foundation
import Testing
import TestSupport

/// libcurl (and the thirty-odd libraries it pulls in) is loaded only when an etcd backend is configured, so a
/// signer without one maps none of it. The etcd suites show the loaded path works; this shows `sigil` does not
/// link it.
@Suite struct CurlLoadingTests {
    @Test func sigilDoesNotLinkLibcurl() throws {
        let (status, out) = try run("/usr/bin/ldd", [Built.sigil.path])
        #expect(status == 0, "\(out)")
        #expect(out.contains("libsodium"), "ldd listed no libraries: \(out)")
        #expect(!out.contains("libcurl"), "\(out)")
    }
}
