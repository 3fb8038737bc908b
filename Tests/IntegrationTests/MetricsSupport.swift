import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing
import ValidatorPeer

/// A live `sigil start` with a `[metrics]` listener on an ephemeral loopback port, read over real HTTP with
/// Foundation's client (libcurl), not Sigil's own.
struct LiveSigner {
    let home: SignerEndToEndTests.Home
    let child: Child
    let port: Int

    /// Writes the config for `validatorAddr` plus `extra` (TOML appended) and starts the signer.
    init(_ home: SignerEndToEndTests.Home, validatorAddr: String, extra: String = "", arguments: [String] = []) throws {
        self.home = home
        try home.writeConfig(addr: validatorAddr, extensions: false)
        try append(home.config, "\n[metrics]\naddr = \"127.0.0.1:0\"\n" + extra)
        child = try Child(Built.sigil, ["start", "-c", home.config] + arguments)
        var found: Int?
        _ = child.waitForOutput(timeout: 30) { out in
            found = out.firstMatch(of: /metrics listening on 127\.0\.0\.1:(\d+):/).flatMap { Int($0.1) }
            return found != nil
        }
        port = try #require(found, "the signer names its metrics address: \(child.output)")
    }

    func get(_ path: String) throws -> (Int, String) { try httpGet("http://127.0.0.1:\(port)\(path)") }

    /// The scrape as `series -> value`, e.g. `sigil_signatures_total{chain_id="c",type="prevote"}` -> 5.
    func scrape() throws -> [String: Double] {
        let (status, body) = try get("/metrics")
        #expect(status == 200)
        return Exposition.samples(body)
    }

    /// SIGKILL: the state is durable before every reply, so a hard stop is as good as any, and the test
    /// runner's children may inherit a blocked SIGTERM.
    func stop() {
        child.kill(SIGKILL)
        child.wait()
    }
}

/// A live signer already serving a validator-side peer on loopback (public key fetched), for tests that need
/// one signing connection and then look at the signer from outside.
struct SigningPair {
    let home: SignerEndToEndTests.Home
    let listener: ValidatorListener
    let signer: LiveSigner
    let conn: ValidatorConnection
    var driver: ConsensusDriver

    /// `extra`: more TOML for the config, given the home it goes in.
    init(extra: (SignerEndToEndTests.Home) -> String = { _ in "" }) throws {
        home = try SignerEndToEndTests.Home()
        listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        signer = try LiveSigner(home, validatorAddr: listener.address, extra: extra(home))
        conn = try listener.accept(timeout: 30)
        driver = ConsensusDriver(chainID: home.chain)
        _ = try driver.fetchPublicKey(conn)
    }

    func close() {
        signer.stop()
        listener.close()
        home.dir.remove()
    }
}

enum Exposition {
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            out[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return out
    }

    /// Every metric name a scrape shows, histogram series (`_bucket`, `_sum`, `_count`) included.
    static func names(_ text: String) -> Set<String> {
        Set(samples(text).keys.map { String($0.prefix { $0 != "{" }) })
    }
}

func append(_ path: String, _ text: String) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(text.utf8))
    try handle.close()
}

/// A plain HTTP GET; returns the status and body.
func httpGet(_ url: String) throws -> (Int, String) {
    final class Box: @unchecked Sendable { var result: Result<(Int, String), Error>? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 10
    URLSession.shared.dataTask(with: request) { data, response, error in
        if let error { box.result = .failure(error) } else {
            box.result = .success(((response as? HTTPURLResponse)?.statusCode ?? 0,
                                   String(decoding: data ?? Data(), as: UTF8.self)))
        }
        done.signal()
    }.resume()
    done.wait()
    return try box.result!.get()
}
