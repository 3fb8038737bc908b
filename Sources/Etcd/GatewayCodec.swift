import Foundation

/// Bodies for etcd's v3 JSON gateway (`POST /v3/kv/range`, `/v3/kv/txn`) and strict readers of its answers.
///
/// The gateway speaks proto3's JSON mapping: bytes are base64, int64 are strings, and fields holding their
/// default are left out (`succeeded: false`, a missing key's `kvs`, an empty value). The readers fail closed:
/// anything that is not exactly the expected shape is `EtcdError.unexpected`, never a win.
enum GatewayCodec {
    static let rangePath = "/v3/kv/range"
    static let txnPath = "/v3/kv/txn"

    static func rangeRequest(key: String) -> [UInt8] {
        encode(Range(key: base64(key)))
    }

    /// One Txn: if the key's mod revision is still `expected` (nil: the key does not exist, i.e. its version is
    /// 0), put `value`; otherwise read the key, so a lost race carries the winner.
    static func txnRequest(key: String, expected: Int64?, value: [UInt8]) -> [UInt8] {
        let compare = expected.map { Compare(key: base64(key), target: "MOD", modRevision: String($0), version: nil) }
            ?? Compare(key: base64(key), target: "VERSION", modRevision: nil, version: "0")
        return encode(Txn(
            compare: [compare],
            success: [RequestOp(requestPut: Put(key: base64(key), value: Data(value).base64EncodedString()))],
            failure: [RequestOp(requestRange: Range(key: base64(key)))]))
    }

    /// A range answer: the key's value and mod revision, nil when the key does not exist.
    static func parseRange(_ body: [UInt8], key: String) throws(EtcdError) -> (value: [UInt8], modRevision: Int64)? {
        let answer: RangeAnswer = try decode(body, "range on \(key)")
        try requireHeader(answer.header, "range on \(key)")
        return try single(answer, key: key, "range on \(key)")
    }

    /// A Txn answer: won (`succeeded` and the header's revision, the key's new mod revision) or lost (exactly
    /// one range answer, with the key's current value or none).
    static func parseTxn(_ body: [UInt8], key: String) throws(EtcdError) -> EtcdClient.PutResult {
        let answer: TxnAnswer = try decode(body, "Txn on \(key)")
        let revision = try requireHeader(answer.header, "Txn on \(key)")
        let ops = answer.responses ?? []
        if answer.succeeded == true {
            guard ops.count == 1, ops[0].responsePut != nil, ops[0].responseRange == nil else {
                throw EtcdError.unexpected("a successful Txn on \(key) did not carry exactly its put")
            }
            return .won(modRevision: revision)
        }
        guard answer.succeeded == nil || answer.succeeded == false, ops.count == 1, ops[0].responsePut == nil,
              let range = ops[0].responseRange
        else {
            throw EtcdError.unexpected("a failed Txn on \(key) did not carry the key's current value")
        }
        return .lost(current: try single(range, key: key, "failed Txn on \(key)"))
    }

    /// An answer that is not 200: the gateway's `{"error", "code"}` in one line, or the start of the body.
    static func failure(status: Int, body: [UInt8]) -> String {
        if let e = try? JSONDecoder().decode(GatewayError.self, from: Data(body)), let text = e.error ?? e.message {
            return "HTTP \(status) (\(EtcdError.shown(Array(text.utf8))), gRPC code \(e.code.map(String.init) ?? "none"))"
        }
        return "HTTP \(status) (body begins \"\(EtcdError.shown(body))\")"
    }

    // MARK: - rules

    @discardableResult
    private static func requireHeader(_ header: Header?, _ what: String) throws(EtcdError) -> Int64 {
        guard let text = header?.revision, let revision = Int64(text), revision > 0 else {
            throw EtcdError.unexpected("the answer to a \(what) has no store revision in its header")
        }
        return revision
    }

    /// The one key asked for, or nil when `kvs` is absent or empty.
    private static func single(_ range: RangeAnswer, key: String, _ what: String) throws(EtcdError)
        -> (value: [UInt8], modRevision: Int64)?
    {
        let kvs = range.kvs ?? []
        if kvs.isEmpty { return nil }
        guard kvs.count == 1, let k = kvs[0].key.flatMap({ Data(base64Encoded: $0) }), Array(k) == Array(key.utf8),
              let mod = kvs[0].modRevision.flatMap({ Int64($0) }), mod > 0,
              let value = (kvs[0].value ?? "").isEmpty ? Data() : Data(base64Encoded: kvs[0].value!)
        else {
            throw EtcdError.unexpected("the answer to a \(what) does not hold exactly that key with a revision")
        }
        return (Array(value), mod)
    }

    private static func decode<T: Decodable>(_ body: [UInt8], _ what: String) throws(EtcdError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch {
            throw EtcdError.unexpected("the answer to a \(what) is not etcd's JSON (body begins \"\(EtcdError.shown(body))\")")
        }
    }

    private static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain structs of strings: encoding cannot fail.
        return Array(try! encoder.encode(value))
    }

    private static func base64(_ key: String) -> String { Data(key.utf8).base64EncodedString() }

    // MARK: - the gateway's JSON

    private struct Range: Codable { var key: String }
    private struct Put: Encodable { var key: String, value: String }
    private struct Compare: Encodable {
        var key: String
        var target: String
        var result = "EQUAL"
        var modRevision: String?
        var version: String?

        init(key: String, target: String, modRevision: String?, version: String?) {
            self.key = key
            self.target = target
            self.modRevision = modRevision
            self.version = version
        }
    }
    private struct RequestOp: Encodable {
        var requestPut: Put?
        var requestRange: Range?
    }
    private struct Txn: Encodable {
        var compare: [Compare]
        var success: [RequestOp]
        var failure: [RequestOp]
    }

    private struct Header: Decodable { var revision: String? }
    private struct KeyValue: Decodable {
        var key: String?
        var value: String?
        var modRevision: String?
    }
    private struct RangeAnswer: Decodable {
        var header: Header?
        var kvs: [KeyValue]?
    }
    private struct PutAnswer: Decodable { var header: Header? }
    private struct ResponseOp: Decodable {
        var responsePut: PutAnswer?
        var responseRange: RangeAnswer?
    }
    private struct TxnAnswer: Decodable {
        var header: Header?
        var succeeded: Bool?
        var responses: [ResponseOp]?
    }
    private struct GatewayError: Decodable {
        var error: String?
        var message: String?
        var code: Int?
    }
}
