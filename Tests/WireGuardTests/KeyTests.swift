import Foundation
import Testing
import TestSupport
@testable import WireGuard

struct KeyTests {
    struct Pair: Decodable {
        let private_key: String
        let public_key: String
        let private_key_hex: String
        let public_key_hex: String
    }
    struct Derived: Decodable { let pairs: [Pair] }

    @Test(.enabled(if: Vectors.available("wireguard/derived-wg-keypairs.json")))
    func derivedWgKeypairs() throws {
        let pairs = try Vectors.decode(Derived.self, "wireguard/derived-wg-keypairs.json").pairs
        #expect(pairs.count == 5)
        for p in pairs {
            let sk = try WireGuardKey(base64: p.private_key)
            #expect(sk.raw == [UInt8](hex: p.private_key_hex))
            #expect(sk.base64 == p.private_key)
            #expect(sk.publicKey().base64 == p.public_key)
            #expect(sk.publicKey().raw == [UInt8](hex: p.public_key_hex))
            #expect(WireGuardKey.clamped(sk.raw) == sk.raw, "wg genkey output is already clamped")
        }
    }

    @Test(.enabled(if: Vectors.available("wireguard/wgctrl-key-vectors.json")))
    func wgctrlVectors() throws {
        let doc = try #require(try Vectors.json("wireguard/wgctrl-key-vectors.json") as? [String: Any])
        let prepared = try #require(doc["prepared_keys"] as? [String: Any])
        let sk = try WireGuardKey(base64: try #require(prepared["private_key"] as? String))
        #expect(sk.base64 == prepared["private_key"] as? String)
        #expect(sk.publicKey().base64 == prepared["public_key"] as? String)

        let cases = try #require((doc["bad_keys"] as? [String: Any])?["cases"] as? [[String: Any]])
        #expect(cases.count == 5)
        for c in cases {
            let input = try #require(c["input"] as? [String: Any])
            let fn = try #require(c["function"] as? String)
            if fn.contains("ParseKey") {
                let text = try #require(input["string"] as? String)
                #expect(throws: WireGuardError(code: .invalidKey, reason: "")) { try WireGuardKey(base64: text) }
            } else {
                let bytes = [UInt8](hex: try #require(input["bytes_hex"] as? String))
                #expect(throws: WireGuardError(code: .invalidKey, reason: "")) { try WireGuardKey.from(raw: bytes) }
            }
        }
    }

    @Test func generatedKeysAreClampedAndDistinct() {
        var seen = Set<WireGuardKey>()
        for _ in 0..<200 {
            let k = WireGuardKey.generatePrivate()
            #expect(k.raw[0] & 7 == 0)
            #expect(k.raw[31] & 0x80 == 0)
            #expect(k.raw[31] & 0x40 == 0x40)
            seen.insert(k)
        }
        #expect(seen.count == 200)
    }

    @Test func presharedKeysAreNotClamped() {
        // A clamped key has bit 6 of byte 31 set and bits 0-2 of byte 0 clear: 1/16 odds by chance.
        let unclamped = (0..<200).map { _ in WireGuardKey.generatePreshared() }.filter {
            WireGuardKey.clamped($0.raw) != $0.raw
        }
        #expect(unclamped.count > 100)
    }

    @Test func strictBase64() throws {
        let good = "kFz9mlS29zBPnVzSZ8kC0lpbdBSDuKtd5Y2V/9cBMXM="
        _ = try WireGuardKey(base64: good)
        // Last char before `=` carries 2 unused bits; `N` sets them, so the encoding is not canonical.
        let nonCanonical = String(good.dropLast(2)) + "N="
        #expect(throws: WireGuardError(code: .invalidKey, reason: "")) { try WireGuardKey(base64: nonCanonical) }
        let bad = WireGuardError(code: .invalidKey, reason: "")
        #expect(throws: bad) { try WireGuardKey(base64: String(good.dropLast())) }
        #expect(throws: bad) { try WireGuardKey(base64: " " + good.dropLast()) }
    }

    @Test func secretKeyTextIsNeverQuoted() {
        let text = "kFz9mlS29zBPnVzSZ8kC0lpbdBSDuKtd5Y2V/9cBMXM"
        do {
            _ = try WireGuardKey(base64: text, what: "PrivateKey", secret: true)
            Issue.record("a 43-character key parsed")
        } catch {
            #expect(!"\(error)".contains("kFz9"))
            #expect("\(error)".contains("43 characters"))
        }
    }

    @Test func pubkeyInputRule() throws {
        let sk = "kFz9mlS29zBPnVzSZ8kC0lpbdBSDuKtd5Y2V/9cBMXM="
        let pub = "C5+OsCoGFDFq8X/UGa6jj2GO9r7Q/sCbErVab+gBWhU="
        for tail in ["", "\n", " \t\r\n", "\0"] {
            let k = try KeyFile.parseKeyText(Array((sk + tail).utf8), what: "stdin", secret: true)
            #expect(k.publicKey().base64 == pub)
        }
        #expect(throws: WireGuardError(code: .invalidKey, reason: "")) {
            try KeyFile.parseKeyText(Array((sk + "\nx").utf8), what: "stdin", secret: true)
        }
    }

    /// Real wg(8): its keys go through our pubkey, ours through its pubkey.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/wg") || Vectors.isCI))
    func matchesRealWg() throws {
        for _ in 0..<5 {
            let (rc, theirs) = try run("/usr/bin/wg", ["genkey"])
            #expect(rc == 0)
            let sk = try KeyFile.parseKeyText(Array(theirs.utf8), what: "wg genkey", secret: true)
            #expect(WireGuardKey.clamped(sk.raw) == sk.raw)
            let (_, theirPub) = try pipe("/usr/bin/wg", ["pubkey"], input: theirs)
            #expect(sk.publicKey().base64 + "\n" == theirPub)

            let ours = WireGuardKey.generatePrivate()
            let (rc2, pub) = try pipe("/usr/bin/wg", ["pubkey"], input: ours.base64 + "\n")
            #expect(rc2 == 0)
            #expect(pub == ours.publicKey().base64 + "\n")
        }
    }
}

/// Runs `path` with `input` on stdin and returns (status, stdout).
func pipe(_ path: String, _ args: [String], input: String) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let inPipe = Pipe(), outPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    try p.run()
    inPipe.fileHandleForWriting.write(Data(input.utf8))
    try inPipe.fileHandleForWriting.close()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: out, as: UTF8.self))
}
