import Foundation
import Merlin
import TestSupport
import Testing

/// `merlin/transcript-vectors.json`: gtank/merlin and curve25519-voi TestSimpleTranscript, TestComplexTranscript,
/// TestClone (the simple one quotes dalek merlin's `equivalence_simple`).
@Suite struct TranscriptVectorTests {
    static let file = "merlin/transcript-vectors.json"

    struct File: Decodable { let vectors: [Vector] }
    struct Vector: Decodable {
        let name: String
        let transcript_label: Text
        let operations: [Operation]
        let expected_final_challenge_hex: String?
    }
    struct Text: Decodable { let utf8: String }
    struct Message: Decodable {
        struct Repeat: Decodable { let byte: String; let count: Int }
        let hex: String?
        let hex_repeat: Repeat?
        let ref: String?
    }
    struct Operation: Decodable {
        let op: String
        let on: String?
        let label: Text?
        let message: Message?
        let length: Int?
        let expected_hex: String?
        let expected_not_hex: String?
        let store_as: String?
        let `as`: String?
        let count: Int?
        let body: [Operation]?
    }

    /// Runs the file's little operation language; `#expect`s fire inside, and the named values are returned.
    struct Interpreter {
        var transcripts: [String: Transcript]
        var stored: [String: [UInt8]] = [:]
        let vector: String

        mutating func run(_ operations: [Operation]) throws {
            for operation in operations { try run(operation) }
        }

        mutating func run(_ operation: Operation) throws {
            let target = operation.on ?? "original"
            switch operation.op {
            case "append_message":
                let label = try #require(operation.label?.utf8)
                let message = try bytes(try #require(operation.message))
                try #require(transcripts[target] != nil, "\(vector): no transcript \(target)")
                transcripts[target]!.append(label: label, message: message)
            case "challenge_bytes":
                let label = try #require(operation.label?.utf8)
                let length = try #require(operation.length)
                try #require(transcripts[target] != nil, "\(vector): no transcript \(target)")
                let challenge = transcripts[target]!.challengeBytes(label: label, count: length)
                #expect(challenge.count == length)
                if let expected = operation.expected_hex {
                    #expect(challenge.hexString == expected, "\(vector): challenge on \(target)")
                }
                if let unexpected = operation.expected_not_hex {
                    #expect(challenge.hexString != unexpected, "\(vector): challenge on \(target) must differ")
                }
                if let name = operation.store_as { stored[name] = challenge }
            case "clone":
                transcripts[try #require(operation.as)] = transcripts[target]
            case "repeat":
                let body = try #require(operation.body)
                for _ in 0..<(try #require(operation.count)) { try run(body) }
            default:
                Issue.record("\(vector): unknown operation \(operation.op)")
            }
        }

        func bytes(_ message: Message) throws -> [UInt8] {
            if let hex = message.hex { return [UInt8](hex: hex) }
            if let r = message.hex_repeat { return [UInt8](repeating: [UInt8](hex: r.byte)[0], count: r.count) }
            let ref = try #require(message.ref, "\(vector): message has neither hex nor ref")
            return try #require(stored[ref], "\(vector): nothing stored as \(ref)")
        }
    }

    static func vectors() throws -> [Vector] { try Vectors.decode(File.self, file).vectors }

    @Test(.enabled(if: Vectors.available(file)))
    func allVectorsPresent() throws {
        #expect(try Self.vectors().map(\.name) == ["simple", "complex", "clone"])
    }

    @Test(.enabled(if: Vectors.available(file)), arguments: ["simple", "complex", "clone"])
    func vector(_ name: String) throws {
        let vector = try #require(try Self.vectors().first { $0.name == name })
        var interpreter = Interpreter(
            transcripts: ["original": Transcript(label: vector.transcript_label.utf8)], vector: name)
        try interpreter.run(vector.operations)
        if let final = vector.expected_final_challenge_hex {
            #expect(interpreter.stored["chl"]?.hexString == final)
        }
    }

    /// The simple vector written out as the STROBE trace quoted in the upstream test comment, so a failure can be
    /// told apart as a Transcript framing bug or a STROBE bug.
    @Test func simpleTraceOnStrobe() {
        var strobe = Strobe128(protocolLabel: "Merlin v1.0")
        strobe.metaAD(Array("dom-sep".utf8))
        strobe.metaAD([13, 0, 0, 0], more: true)
        strobe.ad(Array("test protocol".utf8))
        strobe.metaAD(Array("some label".utf8))
        strobe.metaAD([9, 0, 0, 0], more: true)
        strobe.ad(Array("some data".utf8))
        strobe.metaAD(Array("challenge".utf8))
        strobe.metaAD([32, 0, 0, 0], more: true)
        #expect(strobe.prf(count: 32).hexString == "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615")
    }

    @Test func appendU64IsEightLittleEndianBytes() {
        var a = Transcript(label: "test protocol")
        var b = a
        var c = a
        a.appendU64(label: "n", 0x0102_0304_0506_0708)
        b.append(label: "n", message: [8, 7, 6, 5, 4, 3, 2, 1])
        c.append(label: "n", message: [1, 2, 3, 4, 5, 6, 7, 8])
        let ca = a.challengeBytes(label: "c", count: 16)
        #expect(ca == b.challengeBytes(label: "c", count: 16))
        #expect(ca != c.challengeBytes(label: "c", count: 16))
    }

    @Test func labelsAndLengthsAreFramed() {
        // Moving a byte between label and message must change the challenge, or the framing is ambiguous.
        var a = Transcript(label: "p")
        var b = Transcript(label: "p")
        a.append(label: "ab", message: Array("c".utf8))
        b.append(label: "a", message: Array("bc".utf8))
        #expect(a.challengeBytes(label: "x", count: 32) != b.challengeBytes(label: "x", count: 32))
        var c = Transcript(label: "p")
        var d = Transcript(label: "q")
        #expect(c.challengeBytes(label: "x", count: 32) != d.challengeBytes(label: "x", count: 32))
    }
}
