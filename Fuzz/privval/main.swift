import Privval

// privval: the bytes a node sends, through the same uvarint framing and message decoder the signer uses.
// Every message that decodes re-encodes to bytes that decode to the same message; the sign bytes built from a
// sign request decode back to the canonical form they were built from; how the stream is split into reads
// never changes the messages that come out; errors are PrivvalErrors.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    checkMessage(input)
    checkSignBytes(input)
    let whole = frames(in: [input])
    // A second reading of the same stream, cut into reads of 1, 2, 3... bytes.
    var pieces: [[UInt8]] = []
    var offset = 0
    var n = 1
    while offset < input.count {
        let end = min(offset + n, input.count)
        pieces.append(Array(input[offset..<end]))
        offset = end
        n += 1
    }
    let split = frames(in: pieces)
    Fuzz.check(whole.messages == split.messages && whole.failed == split.failed,
               "splitting reads changed the stream: \(whole) vs \(split)")
    whole.messages.forEach(checkMessage)
    return 0
}

private struct Frames: CustomStringConvertible {
    var messages: [[UInt8]] = []
    var failed: PrivvalError.Code?
    var description: String { "\(messages.count) messages, error \(String(describing: failed))" }
}

private func frames(in reads: [[UInt8]]) -> Frames {
    var decoder = DelimitedDecoder(maxMessageSize: 64 * 1024)
    var out = Frames()
    do {
        for read in reads {
            decoder.append(read)
            while let message = try decoder.next() {
                Fuzz.check(message.count <= decoder.maxMessageSize, "message over the cap: \(message.count)")
                out.messages.append(message)
            }
        }
    } catch let error as PrivvalError {
        out.failed = error.code
    } catch {
        Fuzz.fail("DelimitedDecoder threw a non-PrivvalError: \(error)")
    }
    return out
}

private func checkMessage(_ bytes: [UInt8]) {
    let message: PrivvalMessage
    do {
        message = try PrivvalMessage(decoding: bytes)
    } catch is PrivvalError {
        return
    } catch {
        Fuzz.fail("PrivvalMessage threw a non-PrivvalError: \(error)")
    }
    let encoded = message.encoded()
    guard let again = try? PrivvalMessage(decoding: encoded) else {
        Fuzz.fail("re-encoding of \(message) does not decode: \(encoded)")
    }
    Fuzz.check(again == message, "round trip changed \(message) into \(again)")
    Fuzz.check(again.encoded() == encoded, "encoding is not stable for \(message)")
    Fuzz.check(Delimited.frame(encoded).count > encoded.count, "framing lost bytes")

    switch message {
    case .signVoteRequest(let vote, let chainID):
        let canonical = CanonicalVote(vote, chainID: chainID)
        let decoded = try? CanonicalVote(signBytes: SignBytes.vote(vote, chainID: chainID))
        Fuzz.check(decoded == canonical, "vote sign bytes do not decode to \(canonical): \(String(describing: decoded))")
        Fuzz.check(SignBytes.votesDifferOnlyInTimestamp(SignBytes.vote(vote, chainID: chainID),
                                                        SignBytes.vote(vote, chainID: chainID)),
                   "identical vote sign bytes reported as differing in more than the timestamp")
        _ = SignBytes.voteExtension(vote, chainID: chainID)
    case .signProposalRequest(let proposal, let chainID):
        let canonical = CanonicalProposal(proposal, chainID: chainID)
        let decoded = try? CanonicalProposal(signBytes: SignBytes.proposal(proposal, chainID: chainID))
        Fuzz.check(decoded == canonical,
                   "proposal sign bytes do not decode to \(canonical): \(String(describing: decoded))")
    default:
        break
    }
}

/// Sign bytes as a state file keeps them: whatever decodes re-encodes to the same canonical message.
private func checkSignBytes(_ bytes: [UInt8]) {
    if let vote = try? CanonicalVote(signBytes: bytes) {
        Fuzz.check((try? CanonicalVote(signBytes: Delimited.frame(vote.encoded()))) == vote,
                   "canonical vote does not survive re-encoding: \(vote)")
        _ = SignBytes.differOnlyInTimestamp(bytes, bytes)
    }
    if let proposal = try? CanonicalProposal(signBytes: bytes) {
        Fuzz.check((try? CanonicalProposal(signBytes: Delimited.frame(proposal.encoded()))) == proposal,
                   "canonical proposal does not survive re-encoding: \(proposal)")
    }
}
