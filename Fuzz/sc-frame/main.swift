import SigilCrypto

// Secret Connection frames (compiled into the SecretConnection module to reach FrameDecoder). The input is
// the plaintext of a stream of frames, 1028 bytes each (4-byte little-endian length, data, padding), sealed with
// a known key and fed to the decoder in uneven reads: the decoder yields exactly the data each length field
// covers, refuses a length over 1024 at that frame, and refuses a corrupted frame at that frame. Data sealed
// by FrameEncoder comes back unchanged.

private let key = SecureBytes(copying: (0..<32).map { UInt8($0) })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    rawFrames(input)
    roundTrip(input)
    return 0
}

private func rawFrames(_ input: [UInt8]) {
    guard !input.isEmpty else { return }
    let control = input[0]
    let body = Array(input.dropFirst())
    var stream: [UInt8] = []
    var nonce = FrameNonce()
    var expected: [[UInt8]] = []
    var failure: (SecretConnectionError.Code, frame: Int)?
    var offset = 0
    var frame = 0
    repeat {
        var plaintext = Array(body[offset..<min(offset + 1028, body.count)])
        offset += 1028
        plaintext += [UInt8](repeating: 0, count: 1028 - plaintext.count)
        var sealed = try! ChaChaPoly.seal(key: key, nonce: nonce.bytes, plaintext: plaintext)
        try! nonce.increment()
        let length = plaintext[0..<4].reversed().reduce(0) { $0 << 8 | Int($1) }
        if failure == nil {
            if control & 1 == 1 && offset >= body.count {
                sealed[Int(control) % sealed.count] ^= 0x80  // corrupt the last frame
                failure = (.macFailure, frame)
            } else if length > 1024 {
                failure = (.oversizedLength, frame)
            } else {
                expected.append(Array(plaintext[4..<(4 + length)]))
            }
        }
        stream += sealed
        frame += 1
    } while offset < body.count
    let cut = control & 2 == 2 ? Int(control) % 97 + 1 : 0  // drop a few trailing bytes: a truncated frame
    if cut > 0 {
        stream.removeLast(cut)
        if failure?.frame == frame - 1 { failure = nil }
        if failure == nil && !expected.isEmpty && expected.count == frame { expected.removeLast() }
    }

    var decoder = FrameDecoder(key: key)
    var got: [[UInt8]] = []
    var thrown: SecretConnectionError?
    let step = Int(control >> 2) * 13 + 1
    var at = 0
    reading: while at < stream.count {
        decoder.append(stream[at..<min(at + step, stream.count)])
        at += step
        do {
            while let data = try decoder.next() { got.append(data) }
        } catch let error as SecretConnectionError {
            thrown = error
            break reading
        } catch {
            Fuzz.fail("FrameDecoder threw \(error)")
        }
    }
    Fuzz.check(got == expected, "decoded \(got.map(\.count)) but expected \(expected.map(\.count))")
    if let failure {
        Fuzz.check(thrown?.code == failure.0, "expected \(failure.0) at frame \(failure.frame), got \(String(describing: thrown))")
    } else {
        Fuzz.check(thrown == nil, "unexpected \(String(describing: thrown))")
        let finished = Result { try decoder.finish() }
        Fuzz.check(cut > 0 ? (try? finished.get()) == nil : (try? finished.get()) != nil,
                   "finish() after \(cut) missing bytes: \(finished)")
    }
}

private func roundTrip(_ input: [UInt8]) {
    var encoder = FrameEncoder(key: key)
    var decoder = FrameDecoder(key: key)
    let sealed = try! encoder.seal(input)
    Fuzz.check(sealed.count == (input.count + 1023) / 1024 * FrameFormat.sealedFrameSize, "sealed size \(sealed.count)")
    decoder.append(sealed)
    var out: [UInt8] = []
    do {
        while let data = try decoder.next() { out += data }
        try decoder.finish()
    } catch {
        Fuzz.fail("sealed data does not open: \(error)")
    }
    Fuzz.check(out == input, "round trip changed \(input.count) bytes into \(out.count)")
}
