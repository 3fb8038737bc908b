// Wire encodings of the tendermint.types messages, gogoproto style: BlockID, PartSetHeader and
// Timestamp are non-nullable, so they are always written, even when empty.
// Field names (`field`) are autoclosures: the dotted path is only built for an error message.

extension Timestamp {
    func encode(into w: inout ProtoWriter) {
        w.int64(1, seconds)
        w.int64(2, Int64(nanos))
    }

    init(decoding bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws {
        var r = ProtoReader(bytes, message: field())
        var t = Timestamp(seconds: 0, nanos: 0)
        while let f = try r.next() {
            switch f.number {
            case 1: t.seconds = try f.int64("\(field()).seconds")
            case 2: t.nanos = try f.int32("\(field()).nanos")
            default: continue
            }
        }
        // Go's StdTimeUnmarshal rejects these, so the node could never have produced them.
        guard Timestamp.validSeconds.contains(t.seconds) else {
            throw PrivvalError.invalidField(field(), "seconds \(t.seconds) is outside years 0001-9999")
        }
        guard (0..<1_000_000_000).contains(t.nanos) else {
            throw PrivvalError.invalidField(field(), "nanos \(t.nanos) is outside 0..999999999")
        }
        self = t
    }
}

extension PartSetHeader {
    func encode(into w: inout ProtoWriter) {
        w.uint64(1, UInt64(total))
        w.bytesField(2, hash)
    }

    init(decoding bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws {
        var r = ProtoReader(bytes, message: field())
        self.init()
        while let f = try r.next() {
            switch f.number {
            case 1: total = try f.uint32("\(field()).total")
            case 2: hash = try f.bytes("\(field()).hash")
            default: continue
            }
        }
    }
}

extension BlockID {
    func encode(into w: inout ProtoWriter) {
        w.bytesField(1, hash)
        w.message(2) { partSetHeader.encode(into: &$0) }
    }

    init(decoding bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws {
        var r = ProtoReader(bytes, message: field())
        self.init()
        while let f = try r.next() {
            switch f.number {
            case 1: hash = try f.bytes("\(field()).hash")
            case 2: partSetHeader = try PartSetHeader(decoding: f.message("\(field()).part_set_header"),
                                                      field: "\(field()).part_set_header")
            default: continue
            }
        }
    }
}

extension Vote {
    /// The `tendermint.types.Vote` encoding, as gogoproto's `Marshal()` produces it.
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        encode(into: &w)
        return w.bytes
    }

    /// Decodes a `tendermint.types.Vote`; unknown fields are skipped.
    public init(decoding bytes: [UInt8]) throws {
        try self.init(decoding: bytes[...], field: "Vote")
    }

    func encode(into w: inout ProtoWriter) {
        w.int64(1, Int64(type.rawValue))
        w.int64(2, height)
        w.int64(3, Int64(round))
        w.message(4) { blockID.encode(into: &$0) }
        w.message(5) { timestamp.encode(into: &$0) }
        w.bytesField(6, validatorAddress)
        w.int64(7, Int64(validatorIndex))
        w.bytesField(8, signature)
        w.bytesField(9, `extension`)
        w.bytesField(10, extensionSignature)
    }

    init(decoding bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws {
        var r = ProtoReader(bytes, message: field())
        self.init()
        while let f = try r.next() {
            switch f.number {
            case 1: type = SignedMsgType(rawValue: try f.int32("\(field()).type"))
            case 2: height = try f.int64("\(field()).height")
            case 3: round = try f.int32("\(field()).round")
            case 4: blockID = try BlockID(decoding: f.message("\(field()).block_id"), field: "\(field()).block_id")
            case 5: timestamp = try Timestamp(decoding: f.message("\(field()).timestamp"), field: "\(field()).timestamp")
            case 6: validatorAddress = try f.bytes("\(field()).validator_address")
            case 7: validatorIndex = try f.int32("\(field()).validator_index")
            case 8: signature = try f.bytes("\(field()).signature")
            case 9: `extension` = try f.bytes("\(field()).extension")
            case 10: extensionSignature = try f.bytes("\(field()).extension_signature")
            default: continue
            }
        }
    }
}

extension Proposal {
    /// The `tendermint.types.Proposal` encoding, as gogoproto's `Marshal()` produces it.
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        encode(into: &w)
        return w.bytes
    }

    /// Decodes a `tendermint.types.Proposal`; unknown fields are skipped.
    public init(decoding bytes: [UInt8]) throws {
        try self.init(decoding: bytes[...], field: "Proposal")
    }

    func encode(into w: inout ProtoWriter) {
        w.int64(1, Int64(type.rawValue))
        w.int64(2, height)
        w.int64(3, Int64(round))
        w.int64(4, Int64(polRound))
        w.message(5) { blockID.encode(into: &$0) }
        w.message(6) { timestamp.encode(into: &$0) }
        w.bytesField(7, signature)
    }

    init(decoding bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws {
        var r = ProtoReader(bytes, message: field())
        self.init()
        while let f = try r.next() {
            switch f.number {
            case 1: type = SignedMsgType(rawValue: try f.int32("\(field()).type"))
            case 2: height = try f.int64("\(field()).height")
            case 3: round = try f.int32("\(field()).round")
            case 4: polRound = try f.int32("\(field()).pol_round")
            case 5: blockID = try BlockID(decoding: f.message("\(field()).block_id"), field: "\(field()).block_id")
            case 6: timestamp = try Timestamp(decoding: f.message("\(field()).timestamp"), field: "\(field()).timestamp")
            case 7: signature = try f.bytes("\(field()).signature")
            default: continue
            }
        }
    }
}

extension RemoteSignerError {
    func encode(into w: inout ProtoWriter) {
        w.int64(1, Int64(code))
        w.string(2, description)
    }

    init(decoding bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws {
        var r = ProtoReader(bytes, message: field())
        self.init(code: 0, description: "")
        while let f = try r.next() {
            switch f.number {
            case 1: code = try f.int32("\(field()).code")
            case 2: description = try f.string("\(field()).description")
            default: continue
            }
        }
    }
}

extension PublicKey {
    func encode(into w: inout ProtoWriter) {
        switch self {
        // A set oneof arm is written even when its bytes are empty.
        case .ed25519(let key): w.message(1, key)
        case .secp256k1(let key): w.message(2, key)
        }
    }

    /// nil for the empty message that a non-nullable, unset `PublicKey` encodes to.
    static func decode(_ bytes: ArraySlice<UInt8>, field: @autoclosure @escaping () -> String) throws -> PublicKey? {
        var r = ProtoReader(bytes, message: field())
        var key: PublicKey?
        while let f = try r.next() {
            switch f.number {
            case 1: key = .ed25519(try f.bytes("\(field()).ed25519"))
            case 2: key = .secp256k1(try f.bytes("\(field()).secp256k1"))
            default: continue
            }
        }
        return key
    }

    /// The raw key bytes, whatever the algorithm.
    public var bytes: [UInt8] {
        switch self {
        case .ed25519(let key), .secp256k1(let key): key
        }
    }
}
