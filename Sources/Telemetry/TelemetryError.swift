/// A failure of the metrics listener or of `sigil status` reading it. The description names the address.
public struct TelemetryError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case listen, fetch, response, notConfigured }
    public let code: Code
    public let reason: String
    public var description: String { reason }

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
