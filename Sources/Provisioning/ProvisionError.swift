/// Every refusal of `sigil provision`. Messages quote the bad input and say what to use instead.
public struct ProvisionError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidEndpoint, invalidSubnet, publicSubnet, overlappingSubnets, subnetTooSmall, invalidChainID
        case bundleExists, sameEndpoints, invalidKey, writeFailed, invalidProtocolVersion, invalidInterface, invalidHome
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: ProvisionError, b: ProvisionError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
