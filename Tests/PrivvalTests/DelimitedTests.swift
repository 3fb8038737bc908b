import Privval
import Testing
import TestSupport

struct DelimitedTests {
    static let messages: [[UInt8]] = [
        PrivvalMessage.pingRequest.encoded(),
        CodecTests.voteRequest,
        [UInt8](repeating: 0x42, count: 300),   // two-byte length prefix
        [],
        CodecTests.voteErrorResponse,
    ]

    @Test func framePrefixesTheUvarintLength() {
        #expect(Delimited.frame([0x3a, 0x00]) == [0x02, 0x3a, 0x00])
        #expect(Delimited.frame([UInt8](repeating: 0, count: 300)).prefix(2) == [0xac, 0x02])
        #expect(Delimited.frame([]) == [0x00])
    }

    @Test func dripFedOneByteAtATime() throws {
        let stream = Self.messages.flatMap(Delimited.frame)
        var decoder = DelimitedDecoder()
        var out: [[UInt8]] = []
        for byte in stream {
            decoder.append([byte])
            while let m = try decoder.next() { out.append(m) }
        }
        #expect(out == Self.messages)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test(arguments: [2, 3, 7, 64, 1000])
    func fedInChunks(size: Int) throws {
        let stream = Self.messages.flatMap(Delimited.frame)
        var decoder = DelimitedDecoder()
        var out: [[UInt8]] = []
        var i = 0
        while i < stream.count {
            decoder.append(Array(stream[i..<min(i + size, stream.count)]))
            i += size
            while let m = try decoder.next() { out.append(m) }
        }
        #expect(out == Self.messages)
    }

    @Test func partialMessageStaysBuffered() throws {
        let frame = Delimited.frame(CodecTests.voteRequest)
        var decoder = DelimitedDecoder()
        decoder.append(Array(frame.dropLast()))
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == frame.count - 1)
        decoder.append([frame.last!])
        #expect(try decoder.next() == CodecTests.voteRequest)
    }

    @Test func oversizedMessageIsRejectedNamingSizeAndCap() throws {
        var decoder = DelimitedDecoder(maxMessageSize: 10_240)
        decoder.append(Delimited.frame([UInt8](repeating: 0, count: 10_240)))
        #expect(try decoder.next()?.count == 10_240)

        decoder.append([0x81, 0x50])   // declares 10_241 bytes; none of them need to arrive
        let error = #expect(throws: PrivvalError.self) { try decoder.next() }
        #expect(error?.code == .oversized)
        #expect(error?.description.contains("10241") == true)
        #expect(error?.description.contains("10240") == true)
    }

    @Test func overlongLengthPrefixIsMalformed() {
        var decoder = DelimitedDecoder()
        decoder.append([UInt8](repeating: 0x80, count: 11))
        #expect(errorCode { try decoder.next() } == .malformedVarint)
    }
}
