import SigilCrypto
import Testing

@Suite struct RedactionTests {
    static let key32 = Base64.encode((0..<32).map { UInt8($0 * 7 + 3) })
    static let key64 = Base64.encode((0..<64).map { UInt8(truncatingIfNeeded: $0 * 5 + 1) })

    @Test func keyShapedTokensAreHidden() {
        #expect(Redaction.looksLikeKey(Self.key32))
        #expect(Redaction.looksLikeKey(Self.key32.dropLast()))
        #expect(Redaction.looksLikeKey(Self.key64))
        #expect(Redaction.looksLikeKey(String(repeating: "ab12", count: 16)))
        #expect(Redaction.scrub("secret_key = \"\(Self.key32)\": not found") == "secret_key = \"(44 characters, not shown)\": not found")
    }

    @Test func ordinaryTextIsLeftAlone() {
        for text in ["/tmp/sigil-test-1A2B3C4D/secrets/kms-identity.key", "tmkms.toml:17: duplicate key `reconnect`",
                     "tcp://f5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d1e0f5a4@10.0.0.1:26658",
                     "/var/lib/sigil/state/kira-1_priv_validator_state.json",
                     String(repeating: "a", count: 44)] {
            #expect(Redaction.scrub(text) == text, "\(text)")
        }
    }
}

extension RedactionTests {
    @Test func keysLabelledPublicStay() {
        let text = "no handshake with peer \(Self.key32) on wg0 (derived \(Self.key32)), secret \(Self.key32)"
        #expect(Redaction.scrub(text, keepingLabelledPublic: true)
            == "no handshake with peer \(Self.key32) on wg0 (derived \(Self.key32)), secret (44 characters, not shown)")
        // Quoted input gets no such pass: a fuzzer wrote `peer <key>` into a malformed wireguard-go reply.
        #expect(!Redaction.scrub(text).contains(Self.key32))
        #expect(Redaction.containsKeyLike("Endpoint = peer \(Self.key32)"))
    }
}

extension RedactionTests {
    /// A key's `=` padding ends it: text glued on after the padding must not make the run too long to look like
    /// a key (a fuzzer found `Address = x = <key>=WWWW…` quoted whole).
    @Test func aKeyFollowedByMoreTextAfterItsPaddingIsHidden() {
        let text = "`\(Self.key32)WWWW' is not an address"
        #expect(Redaction.scrub(text) == "`(44 characters, not shown)WWWW' is not an address")
        #expect(Redaction.scrub("a=\(Self.key32)=b") == "a=(45 characters, not shown)b")  // up to two `=` go with a key
        #expect(Redaction.containsKeyLike("Key = \(Self.key32)WWWW"))
        let unpadded = Self.key32.prefix { $0 != "=" }
        #expect(Redaction.scrub("09/2=\(unpadded)=====00") == "09/2=(45 characters, not shown)===00")
        let hex = String(repeating: "9c", count: 32)
        #expect(Redaction.scrub("x======\(hex)=====6") == "x======(64 characters, not shown)=====6")
    }
}
