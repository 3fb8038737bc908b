import Foundation
import KeyFormats
import TestSupport

typealias Object = [String: Any]

func object(_ any: Any?) -> Object { any as? Object ?? [:] }

/// The code of the KeyFormatError thrown by `body`, or nil when it returns or throws something else.
func errorCode(_ body: () throws -> Any?) -> KeyFormatError.Code? {
    keyFormatError(body)?.code
}

func keyFormatError(_ body: () throws -> Any?) -> KeyFormatError? {
    do {
        _ = try body()
        return nil
    } catch let error as KeyFormatError {
        return error
    } catch {
        return nil
    }
}

/// A scratch directory with helpers to place files at a given mode.
struct Scratch {
    let dir: TempDir

    init() throws { dir = try TempDir("sigil-keys") }

    /// Writes `contents` to `name` with `mode` (vector files are read-only copies, so key tests copy them).
    @discardableResult
    func file(_ name: String, _ contents: [UInt8], mode: Int = 0o600) throws -> String {
        let path = dir.path(name)
        try Data(contents).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func copy(vector: String, as name: String? = nil, mode: Int = 0o600) throws -> String {
        try file(name ?? URL(fileURLWithPath: vector).lastPathComponent, Array(Vectors.data(vector)), mode: mode)
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
