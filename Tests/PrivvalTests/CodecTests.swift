import Privval
import Testing
import TestSupport

/// Behaviour of the codec on input the vectors don't cover: unknown fields, bad lengths, bad wire types.
struct CodecTests {
    /// The v0.38 "Vote Request" from privval/msgs_test.go (precommit with extension), quoted from the reference.
    static let voteRequest = [UInt8](hex: ""
        + "1a81010a7f080210031802224a0a208b01023386c371778ecb6368573e539afc3cc860ec3a2f614e54fe5652f4fc8012"
        + "2608c0843d122072db3d959635dff1bb567bedaa70573392c5159666a3f8caf11e413aac52207a2a0608f49a8ded0532"
        + "146af1f4111082efb388211bc72c55bcd61e9ac3d538d5bb034a09657874656e73696f6e")
    static let voteErrorResponse = [UInt8](hex: "22250a11220212002a0b088092b8c398feffffff0112100801120c69742773206120"
        + "6572726f72")

    static func vote() throws -> Vote {
        guard case .signVoteRequest(let vote, _) = try PrivvalMessage(decoding: voteRequest) else {
            throw TestFailure()
        }
        return vote
    }

    struct TestFailure: Error {}

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let vote = try Self.vote()
        var w: [UInt8] = []
        w += [0x78, 0x05]                                   // field 15 varint
        w += [0x81, 0x01] + [UInt8](repeating: 7, count: 8) // field 16 fixed64
        w += [0x8a, 0x01, 0x03, 1, 2, 3]                    // field 17 bytes
        w += [0x95, 0x01, 1, 2, 3, 4]                       // field 18 fixed32
        let voteBytes = w + vote.encoded() + w
        let request = Wrap.field(3, Wrap.field(1, voteBytes) + w + [0x12, 0x01, 0x41]) + w
        #expect(try PrivvalMessage(decoding: request) == .signVoteRequest(vote, chainID: "A"))
        #expect(try Vote(decoding: voteBytes) == vote)
    }

    @Test func v038VoteFieldsAreDecodedAndRoundTrip() throws {
        let vote = try Self.vote()
        #expect(vote.extension == Array("extension".utf8))
        var signed = vote
        signed.signature = [UInt8](repeating: 1, count: 64)
        signed.extensionSignature = [UInt8](repeating: 2, count: 64)
        #expect(try Vote(decoding: signed.encoded()) == signed)
        #expect(signed.encoded().suffix(66) == [0x52, 0x40] + [UInt8](repeating: 2, count: 64))
    }

    @Test func unknownOneofArmIsReportedNotDropped() throws {
        // CometBFT v1 SignBytesRequest{value: 0x01} at oneof field 9.
        #expect(try PrivvalMessage(decoding: [0x4a, 0x03, 0x0a, 0x01, 0x01]) == .unknown(field: 9))
        #expect(try PrivvalMessage(decoding: []) == .unknown(field: 0))
        #expect(PrivvalMessage.unknown(field: 9).encoded() == [0x4a, 0x00])
        // A known arm wins over an unknown one, whatever the order.
        #expect(try PrivvalMessage(decoding: [0x4a, 0x00, 0x3a, 0x00]) == .pingRequest)
    }

    @Test func unknownVoteTypeIsKeptForByteExactReencoding() throws {
        var vote = try Self.vote()
        vote.type = SignedMsgType(rawValue: 5)
        #expect(vote.type == .other(5))
        let decoded = try Vote(decoding: vote.encoded())
        #expect(decoded.type.rawValue == 5)
        #expect(decoded.encoded() == vote.encoded())
        #expect(SignedMsgType(rawValue: 32) == .proposal)
    }

    @Test func everyProperPrefixIsTruncated() throws {
        for message in [Self.voteRequest, Self.voteErrorResponse] {
            for n in 1..<message.count {
                #expect(errorCode { try PrivvalMessage(decoding: Array(message.prefix(n))) } == .truncated)
            }
        }
    }

    @Test func lengthBeyondTheEndNamesTheField() throws {
        let error = #expect(throws: PrivvalError.self) {
            try PrivvalMessage(decoding: [0x1a, 0x03, 0x0a, 0x10, 0x08])
        }
        #expect(error?.code == .truncated)
        #expect(error?.description.contains("SignVoteRequest field 1") == true)
    }

    @Test func wrongWireTypeNamesTheField() throws {
        // SignVoteRequest.vote with height (field 2) sent as bytes.
        let request = Wrap.field(3, Wrap.field(1, [0x12, 0x01, 0x00]))
        let error = #expect(throws: PrivvalError.self) { try PrivvalMessage(decoding: request) }
        #expect(error?.code == .wrongWireType)
        #expect(error?.description == "field SignVoteRequest.vote.height has wire type 2 (length-delimited), "
            + "expected 0 (varint)")
    }

    /// Field names are built lazily (only for errors); the dotted path through nested messages must survive.
    @Test func nestedErrorsNameTheWholePath() throws {
        // SignVoteRequest.vote.block_id.part_set_header with total (field 1) sent as bytes.
        let header = Wrap.field(3, Wrap.field(1, Wrap.field(4, Wrap.field(2, [0x0a, 0x01, 0x00]))))
        let error = #expect(throws: PrivvalError.self) { try PrivvalMessage(decoding: header) }
        #expect(error?.description == "field SignVoteRequest.vote.block_id.part_set_header.total has wire type 2 "
            + "(length-delimited), expected 0 (varint)")
        // SignProposalRequest.proposal.timestamp with nanos out of range, and a truncated field inside it.
        let nanos = Wrap.field(5, Wrap.field(1, Wrap.field(6, [0x10, 0xff, 0xff, 0xff, 0xff, 0x0f])))
        let bad = #expect(throws: PrivvalError.self) { try PrivvalMessage(decoding: nanos) }
        #expect(bad?.description.contains("SignProposalRequest.proposal.timestamp") == true, "\(String(describing: bad))")
        let cut = Wrap.field(5, Wrap.field(1, Wrap.field(6, [0x08, 0x80])))
        let truncated = #expect(throws: PrivvalError.self) { try PrivvalMessage(decoding: cut) }
        #expect(truncated?.description.contains("SignProposalRequest.proposal.timestamp field 1") == true,
                "\(String(describing: truncated))")
    }

    @Test func malformedInputIsRejected() throws {
        let overlong = [UInt8](repeating: 0xff, count: 10) + [0x01]
        #expect(errorCode { try PrivvalMessage(decoding: [0x3a] + overlong) } == .malformedVarint)
        // Field 7 as a group start, then field number 0.
        #expect(errorCode { try PrivvalMessage(decoding: [0x3b, 0x00]) } == .invalidWireType)
        #expect(errorCode { try PrivvalMessage(decoding: [0x02, 0x00]) } == .invalidField)
        // chain_id that is not UTF-8.
        #expect(errorCode { try PrivvalMessage(decoding: Wrap.field(1, [0x0a, 0x02, 0xc3, 0x28])) } == .invalidField)
        // A sign request without its vote cannot be signed.
        #expect(errorCode { try PrivvalMessage(decoding: Wrap.field(3, [0x12, 0x01, 0x41])) } == .missingField)
    }

    @Test func timestampsGoCannotRepresentAreRejected() throws {
        var vote = try Self.vote()
        for bad in [Timestamp(seconds: 0, nanos: 1_000_000_000), Timestamp(seconds: 0, nanos: -1),
                    Timestamp(seconds: Timestamp.goZero.seconds - 1), Timestamp(seconds: 253_402_300_800)] {
            vote.timestamp = bad
            let error = #expect(throws: PrivvalError.self) { try Vote(decoding: vote.encoded()) }
            #expect(error?.code == .invalidField)
            #expect(error?.description.contains("Vote.timestamp") == true)
        }
        vote.timestamp = Timestamp(seconds: 253_402_300_799, nanos: 999_999_999)
        #expect(try Vote(decoding: vote.encoded()) == vote)
    }

    @Test func negativeRoundsUseTenByteVarints() throws {
        let proposal = Proposal(type: .proposal, height: 1, round: 0, polRound: -1)
        let bytes = proposal.encoded()
        #expect(bytes.starts(with: [0x08, 0x20, 0x10, 0x01, 0x20] + [UInt8](repeating: 0xff, count: 9) + [0x01]))
        #expect(try Proposal(decoding: bytes) == proposal)
    }

    @Test func timestampRendering() {
        #expect(Timestamp.goZero.description == "0001-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 0).description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1_514_170_801, nanos: 234_000_000).description == "2017-12-25T03:00:01.234Z")
        #expect(Timestamp(seconds: 951_782_400, nanos: 5).description == "2000-02-29T00:00:00.000000005Z")
        #expect(Timestamp(seconds: -1).description == "1969-12-31T23:59:59Z")
        #expect(Timestamp(seconds: 253_402_300_799).description == "9999-12-31T23:59:59Z")
        #expect(Timestamp(seconds: .min).description == "Timestamp(seconds: -9223372036854775808, nanos: 0)")
        #expect(SignedMsgType.other(1) == .prevote)
    }

    @Test func logStrings() throws {
        let vote = try Self.vote()
        #expect(vote.description == "Precommit:8B01023386 at h/r 3/2")
        #expect(BlockID().logString == "<nil>")
        #expect(BlockID(hash: [], partSetHeader: PartSetHeader(total: 1, hash: [1])).logString == "")
        #expect(PrivvalMessage.pingRequest.description == "PingRequest")
        #expect(SignedMsgType.prevote.name == "Prevote")
        #expect(SignedMsgType.proposal.name == "Proposal")
    }
}
