/// Runtime failures of the signer outside the double-sign rules (those are `Refusal`s).
public struct SignerError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable { case tunnelAddress, missingIdentity, peerMismatch, startup }
    public let code: Code
    public let reason: String
    public var description: String { reason }
    public static func == (a: SignerError, b: SignerError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }
}
