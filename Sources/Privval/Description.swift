// Log renderings. `description` follows the TMKMS log shape (`Precommit:8B01023386 at h/r 3/2`);
// `goString` reproduces CometBFT's `Vote.String()` / `Proposal.String()` for cross-checking logs.

private let hexDigits = Array("0123456789ABCDEF".utf8)

func upperHex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// CometBFT `Fingerprint`: the first 6 bytes, zero-padded.
private func fingerprint(_ bytes: [UInt8]) -> String {
    upperHex(Array(bytes.prefix(6)) + [UInt8](repeating: 0, count: max(0, 6 - bytes.count)))
}

extension BlockID {
    /// The first 10 upper-case hex digits of the block hash, or `<nil>` for a nil vote.
    public var logString: String {
        isNil ? "<nil>" : String(upperHex(hash.prefix(5)))
    }

    /// Go's `BlockID.String()`: full hash, part-set total and the part-set hash fingerprint.
    public var goString: String {
        "\(upperHex(hash)):\(partSetHeader.total):\(fingerprint(partSetHeader.hash))"
    }
}

extension Timestamp: CustomStringConvertible {
    /// RFC 3339 in UTC with trailing zeros of the fraction dropped (Go's `time.RFC3339Nano`).
    public var description: String {
        guard Timestamp.validSeconds.contains(seconds), (0..<1_000_000_000).contains(nanos) else {
            return "Timestamp(seconds: \(seconds), nanos: \(nanos))"
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secs = seconds - days * 86_400
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):"
            + pad(secs % 60, 2)
        if nanos != 0 {
            var fraction = pad(Int64(nanos), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    private func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v.magnitude)
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    private func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Vote: CustomStringConvertible {
    public var description: String {
        "\(type.name):\(blockID.logString) at h/r \(height)/\(round)"
    }

    /// CometBFT `Vote.String()`; v0.38 added the extension fingerprint.
    public func goString(withExtension: Bool) -> String {
        let ext = withExtension ? " \(fingerprint(`extension`))" : ""
        let r = round >= 0 && round < 10 ? "0\(round)" : "\(round)"
        return "Vote{\(validatorIndex):\(fingerprint(validatorAddress)) \(height)/\(r)/\(type.protoName)(\(type.name))"
            + " \(fingerprint(blockID.hash)) \(fingerprint(signature))\(ext) @ \(timestamp)}"
    }
}

extension Proposal: CustomStringConvertible {
    public var description: String {
        "\(type.name):\(blockID.logString) at h/r \(height)/\(round) pol \(polRound)"
    }

    /// CometBFT `Proposal.String()`.
    public func goString() -> String {
        "Proposal{\(height)/\(round) (\(blockID.goString), \(polRound)) \(fingerprint(signature)) @ \(timestamp)}"
    }
}

extension PrivvalMessage: CustomStringConvertible {
    /// Names the request without key material or signatures.
    public var description: String {
        switch self {
        case .pubKeyRequest(let chainID): "PubKeyRequest(chain \(chainID))"
        case .pubKeyResponse(_, let error), .pubKeyResponseV1(_, let error, _):
            error.map { "PubKeyResponse(error: \($0))" } ?? "PubKeyResponse"
        case .signVoteRequest(let vote, let chainID): "SignVoteRequest(\(vote), chain \(chainID))"
        case .signVoteRequestSkippingExtension(let vote, let chainID):
            "SignVoteRequest(\(vote), chain \(chainID), skip_extension_signing)"
        case .signedVoteResponse(let vote, let error):
            error.map { "SignedVoteResponse(error: \($0))" } ?? "SignedVoteResponse(\(vote))"
        case .signProposalRequest(let p, let chainID): "SignProposalRequest(\(p), chain \(chainID))"
        case .signedProposalResponse(let p, let error):
            error.map { "SignedProposalResponse(error: \($0))" } ?? "SignedProposalResponse(\(p))"
        case .pingRequest: "PingRequest"
        case .pingResponse: "PingResponse"
        case .signBytesRequest(let value): "SignBytesRequest(\(value.count) bytes)"
        case .signBytesResponse(_, let error):
            error.map { "SignBytesResponse(error: \($0))" } ?? "SignBytesResponse"
        case .unknown(let field): "unknown privval message (oneof field \(field))"
        }
    }
}
