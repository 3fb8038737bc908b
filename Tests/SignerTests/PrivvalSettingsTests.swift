import Testing
@testable import SignerConfig

/// `protocol_version`, `sign_extensions` and `sign_bytes` resolved per [[validator]].
@Suite struct PrivvalSettingsTests {
    static func config(chain: String = "", validator: String = "") throws -> (SignerConfig, PrivvalSettings) {
        // ConfigTests.base with the extra lines at 4 ([[chain]]) and 12 ([[validator]], which starts at line 8).
        let text = ConfigTests.base.replacingFirst("key_format = { type = \"hex\" }",
                                                   with: "key_format = { type = \"hex\" }\n\(chain)") + "\n\(validator)"
        let c = try SignerConfig.parse(text, file: "t.toml")
        return (c, PrivvalSettings(chain: c.chains[0], validator: c.validators[0], file: "t.toml"))
    }

    @Test func eachProtocolVersion() throws {
        let cases: [(String, PrivvalSettings.Forms, Bool)] = [
            ("", .both, true),
            ("protocol_version = \"v0.34\"", .legacy, false),
            ("protocol_version = \"v0.37\"", .legacy, false),
            ("protocol_version = \"v0.38\"", .legacy, true),
            ("protocol_version = \"v1\"", .v1, true),
            ("protocol_version = \"v1.0\"", .v1, true),
        ]
        for (line, forms, extensions) in cases {
            let (c, s) = try Self.config(validator: line)
            #expect(s.forms == forms, "\(line)")
            #expect(s.signExtensions == extensions, "\(line)")
            #expect(!s.signBytes && s.warnings.isEmpty, "\(line)")
            #expect(c.validators[0].protocolVersionLine == (line.isEmpty ? nil : 12), "\(line)")
        }
        #expect(try Self.config(validator: "protocol_version = \"v1.0\"").0.validators[0].protocolVersion == .v1)
        #expect(try Self.config().1.summary == "privval v0.34-v0.38 and v1 alike (no protocol_version): vote extensions "
            + "signed on non-nil precommits unless the node sets skip_extension_signing; SignBytes refused "
            + "(sign_bytes is off)")
        #expect(try Self.config(validator: "protocol_version = \"v0.37\"").1.summary
            == "privval v0.37: vote extensions not signed; SignBytes is not part of this protocol")
    }

    @Test func signExtensionsTrueStillSignsForOlderNodes() throws {
        let (_, s) = try Self.config(chain: "sign_extensions = true", validator: "protocol_version = \"v0.37\"")
        #expect(s.signExtensions && s.warnings.isEmpty)
        #expect(s.summary.contains("vote extensions signed on non-nil precommits;"))
    }

    /// An explicit `sign_extensions = false` is honoured for v0.34/v0.37 and reported, never silently dropped,
    /// where the node needs extension signatures.
    @Test func signExtensionsFalseIsAppliedOrWarnedAbout() throws {
        let honoured = try Self.config(chain: "sign_extensions = false", validator: "protocol_version = \"v0.37\"").1
        #expect(!honoured.signExtensions && honoured.warnings.isEmpty)

        for (line, advice) in [
            ("protocol_version = \"v0.38\"", "a v0.38 node needs extension signatures on non-nil precommits"),
            ("protocol_version = \"v1\"", "a v1 node says per vote whether it needs one"),
            ("", "without protocol_version Sigil signs them as v0.38 and v1 nodes need"),
        ] {
            let (c, s) = try Self.config(chain: "sign_extensions = false", validator: line)
            #expect(s.signExtensions, "\(line)")
            #expect(c.chains[0].signExtensionsLine == 4)
            #expect(s.warnings.count == 1 && s.warnings[0].hasPrefix(
                "t.toml:4: sign_extensions = false for chain kira-1 is not applied to [[validator]] "
                    + "tcp://10.0.0.2:26658 (line 8): vote extensions are signed on non-nil precommits, because "
                    + advice), "\(s.warnings)")
            #expect(s.warnings[0].hasSuffix("remove sign_extensions"))
        }
    }

    @Test func signBytes() throws {
        for line in ["", "protocol_version = \"v1\""] {
            let s = try Self.config(chain: "sign_bytes = true", validator: line).1
            #expect(s.signBytes && s.warnings.isEmpty, "\(line)")
            #expect(s.summary.hasSuffix("SignBytes allowed (sign_bytes = true) except for consensus messages"))
        }
        let legacy = try Self.config(chain: "sign_bytes = true", validator: "protocol_version = \"v0.37\"").1
        #expect(!legacy.signBytes)
        #expect(legacy.warnings == [
            "t.toml:12: sign_bytes = true for chain kira-1 has no effect on [[validator]] tcp://10.0.0.2:26658 (line 8): "
                + "protocol_version = \"v0.37\" has no SignBytesRequest (CometBFT v1 has; set protocol_version = "
                + "\"v1\" for a v1 node)",
        ])
        let error = #expect(throws: ConfigError.self) { try Self.config(chain: "sign_bytes = \"yes\"") }
        #expect(error?.description.contains("`sign_bytes` in [[chain]] must be a boolean") == true)
        let unknown = #expect(throws: ConfigError.self) { try Self.config(validator: "protocol_version = \"v2\"") }
        #expect(unknown?.description.contains("is not one of \"v0.34\", \"v0.37\", \"v0.38\", \"v1\", \"v1.0\"") == true)
    }
}
