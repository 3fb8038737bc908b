import Glibc

/// Failures reading, writing or locking a chain's state file. Equality compares `code` only.
public struct StateError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The state file exists but could not be read.
        case unreadable
        /// The state file was read but is not a FilePV or tmkms state.
        case invalid
        /// The directory meant to hold the state file does not exist.
        case missingDirectory
        /// Writing the new state durably failed; the signature must not be released.
        case persistFailed
        /// Another process holds the state lock.
        case locked
    }
    public let code: Code
    public let reason: String

    public var description: String { reason }
    public static func == (a: StateError, b: StateError) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }

    @inline(never)
    static func unreadable(_ path: String, _ cause: SystemCallError) -> StateError {
        StateError(
            code: .unreadable,
            reason: "cannot read state file \(path): \(cause.message); check the path and its permissions")
    }
    @inline(never)
    static func invalid(_ path: String, _ what: String) -> StateError {
        StateError(
            code: .invalid,
            reason: "state file \(path) is not a valid CometBFT or tmkms state: \(what); restore it from a backup "
                + "or set it explicitly")
    }
    @inline(never)
    static func missingDirectory(_ path: String, _ directory: String) -> StateError {
        StateError(
            code: .missingDirectory,
            reason: "directory \(directory) for state file \(path) does not exist or is not a directory; create it or "
                + "fix `state_file`")
    }
    @inline(never)
    static func persistFailed(_ path: String, _ cause: SystemCallError) -> StateError {
        StateError(
            code: .persistFailed,
            reason: "cannot save state file \(path): \(cause); the signature was withheld")
    }
    @inline(never)
    static func stateFileBehind(_ path: String, _ cause: SystemCallError) -> StateError {
        StateError(
            code: .persistFailed,
            reason: "cannot bring state file \(path) up to its journal: \(cause)")
    }
    @inline(never)
    static func damagedJournal(_ path: String, _ what: String) -> StateError {
        StateError(
            code: .invalid,
            reason: "state journal \(path) is damaged (\(what)), so the last signed state is unknown; find the last "
                + "height this key signed (node logs, a block explorer), move the journal aside and run `sigil state "
                + "set` above that height")
    }
    @inline(never)
    static func locked(_ lockPath: String, holder: String?) -> StateError {
        let who = holder.map { " (held by pid \($0))" } ?? ""
        return StateError(
            code: .locked,
            reason: "state lock \(lockPath) is held by another process\(who): another sigil is already running for "
                + "this chain; stop it first (two signers on one key can double sign)")
    }
}

/// A failed system call, with the path it was about, for messages such as `rename(a, b): No such file or directory`.
struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let path: String
    let errno: Int32

    var message: String { String(cString: strerror(errno)) }
    var description: String { "\(call)(\(path)): \(message)" }
}
