import Foundation
import SigilCrypto

/// The two state-file shapes Sigil reads (signer-anchors.md §2.12) and the one it writes.
///
/// - CometBFT FilePV `priv_validator_state.json`: `{"height":"<int64>","round":<int>,"step":<0-3>,
///   "signature":"<base64>","signbytes":"<HEX>"}`; signature and signbytes are left out when empty. Horcrux writes
///   the same keys (round as a string, plus extra keys it owns), so round may be a number or a string and
///   unknown keys are ignored.
/// - tmkms (tendermint-rs `consensus::State`): `{"height":"N","round":"N","step":0|1|2,"block_id":...}` with
///   steps one lower than FilePV. It has no sign bytes, so an imported state can only refuse the same HRS.
enum StateFileFormat {
    enum Origin: Hashable, Sendable {
        case cometbft
        case tmkms
    }

    /// The file's values before FilePV's step numbering and ranges are applied.
    struct Raw: Hashable {
        var origin: Origin
        var height: Int64
        var round: Int64
        var step: Int64
        var signature: String?
        var signBytes: String?
        /// tmkms only: the upper-case hex block hash, or nil for `"block_id": null`.
        var blockIDHash: String?
    }

    /// What is wrong with a state's bytes, worded to fit wherever they were kept (a file, an etcd value).
    struct Problem: Error, Hashable {
        let what: String
        init(_ what: String) { self.what = what }
    }

    static func decodeRaw(_ bytes: [UInt8]) throws(Problem) -> Raw {
        do {
            let raw = try JSONDecoder().decode(RawJSON.self, from: Data(bytes)).raw
            if let key = DuplicateKeys.first(in: bytes) {
                throw Problem("the key `\(key.prefix(40))` appears twice (CometBFT would read the last "
                    + "one); delete the wrong line")
            }
            return raw
        } catch let error as Problem {
            throw error
        } catch DecodingError.keyNotFound(let key, _) {
            throw Problem("`\(key.stringValue)` is missing")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            if context.codingPath.isEmpty { throw Problem("not a JSON object") }
            throw Problem("`\(dotted(context.codingPath))` has the wrong type")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            throw Problem("`\(dotted(context.codingPath))`: \(context.debugDescription)")
        } catch {
            // Foundation reports a fractional or oversized number as invalid JSON, without a key.
            throw Problem("not valid JSON, or a number that is not a 64-bit integer")
        }
    }

    /// `decode(_:)` for a state file: the problem becomes `StateError.invalid` naming the file.
    static func decode(_ bytes: [UInt8], path: String) throws(StateError) -> (LastSignState, Origin) {
        do { return try decode(bytes) } catch { throw StateError.invalid(path, error.what) }
    }

    /// Reads either shape into FilePV terms: tmkms step s becomes s + 1 and carries no sign bytes.
    static func decode(_ bytes: [UInt8]) throws(Problem) -> (LastSignState, Origin) {
        let raw = try decodeRaw(bytes)
        guard raw.height >= 0 else { throw Problem("height \(raw.height) is negative") }
        guard let round = Int32(exactly: raw.round), round >= 0 else {
            throw Problem("round \(raw.round) is not a round number")
        }
        let stepRange: ClosedRange<Int64> = raw.origin == .tmkms ? 0...2 : 0...3
        guard stepRange.contains(raw.step) else {
            let kind = raw.origin == .tmkms ? "tmkms (0 proposal, 1 prevote, 2 precommit)" : "CometBFT (0-3)"
            throw Problem("step \(raw.step) is not a \(kind) step")
        }
        let step = SignStep(rawValue: Int8(raw.step) + (raw.origin == .tmkms ? 1 : 0))!
        var state = LastSignState(height: raw.height, round: round, step: step)
        if let signature = raw.signature, !signature.isEmpty {
            // Re-encoding catches input the decoder stops at without failing.
            guard let bytes = try? Base64.decode(signature), Base64.encode(bytes) == signature else {
                throw Problem("signature is not base64")
            }
            state.signature = bytes
        }
        if let signBytes = raw.signBytes, !signBytes.isEmpty {
            do { state.signBytes = try Hex.decode(signBytes) } catch {
                throw Problem("signbytes is not hex")
            }
        }
        return (state, raw.origin)
    }

    /// FilePV's layout (`cmtjson.MarshalIndent` with two spaces), so CometBFT and horcrux can read it back.
    static func encode(_ state: LastSignState) -> [UInt8] {
        Array(render(state).utf8)
    }

    /// FilePV's layout; horcrux's sign state is the same with the round as a string (cometjson's int64) and its
    /// `nonce_public` key.
    static func render(_ state: LastSignState, horcrux: Bool = false) -> String {
        var lines = [
            "  \"height\": \"\(state.height)\"",
            horcrux ? "  \"round\": \"\(state.round)\"" : "  \"round\": \(state.round)",
            "  \"step\": \(state.step.rawValue)",
        ]
        if horcrux { lines.append("  \"nonce_public\": null") }
        if !state.signature.isEmpty { lines.append("  \"signature\": \"\(Base64.encode(state.signature))\"") }
        if !state.signBytes.isEmpty {
            lines.append("  \"signbytes\": \"\(Hex.encode(state.signBytes, uppercase: true))\"")
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    private static func dotted(_ path: [any CodingKey]) -> String {
        path.map(\.stringValue).joined(separator: ".")
    }
}

/// JSONDecoder is strict about types (no booleans as numbers, no fractions), which is what a state file needs.
private struct RawJSON: Decodable {
    let raw: StateFileFormat.Raw

    enum Key: String, CodingKey {
        case height, round, step, signature, signbytes
        case blockID = "block_id"
    }

    struct BlockID: Decodable {
        let hash: String
    }

    /// cmtjson writes int64 as a string and int32/int8 as numbers; horcrux writes round as a string too.
    struct Integer: Decodable {
        let value: Int64

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) {
                guard let n = Int64(text), !text.hasPrefix("+") else {
                    throw DecodingError.dataCorruptedError(
                        in: c, debugDescription: "\"\(text.prefix(40))\" is not an integer")
                }
                value = n
            } else {
                value = try c.decode(Int64.self)
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let isTmkms = c.contains(.blockID)
        raw = StateFileFormat.Raw(
            origin: isTmkms ? .tmkms : .cometbft,
            height: try c.decode(Integer.self, forKey: .height).value,
            round: try c.decode(Integer.self, forKey: .round).value,
            step: try c.decode(Integer.self, forKey: .step).value,
            signature: isTmkms ? nil : try c.decodeIfPresent(String.self, forKey: .signature),
            signBytes: isTmkms ? nil : try c.decodeIfPresent(String.self, forKey: .signbytes),
            blockIDHash: isTmkms ? try c.decodeIfPresent(BlockID.self, forKey: .blockID)?.hash : nil)
    }
}
