import Glibc
import SignerState

// State files: the input is written to a file and read by the reader `sigil start` and `sigil state` use
// (CometBFT FilePV and tmkms shapes). A state that loads is in range, and the file Sigil would write for it
// reads back to the same state; an unreadable state is an `invalid` StateError naming the file.

private let directory: String = {
    var template = Array("/tmp/sigil-fuzz-state-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { Fuzz.fail("mkdtemp failed") }
    return String(cString: template)
}()
private let path = directory + "/priv_validator_state.json"
private let renderedPath = directory + "/rendered_state.json"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    write(path, Fuzz.bytes(data, size))
    let loaded: (state: LastSignState, fromTmkms: Bool)?
    do {
        loaded = try StateFiles.read(path: path)
    } catch {
        Fuzz.check(error.code == .invalid, "unexpected \(error.code): \(error)")
        Fuzz.check(error.description.contains(path), "error does not name the file: \(error)")
        return 0
    }
    guard let (state, fromTmkms) = loaded else { Fuzz.fail("an existing file read as absent") }
    Fuzz.check(state.height >= 0 && state.round >= 0, "out of range state \(state.hrs)")
    if fromTmkms { Fuzz.check(state.signBytes.isEmpty, "tmkms state with sign bytes") }
    write(renderedPath, Array(StateFiles.render(state).utf8))
    do {
        let again = try StateFiles.read(path: renderedPath)
        Fuzz.check(again?.state == state && again?.fromTmkms == false,
                   "rendered state reads back as \(String(describing: again)), not \(state)")
    } catch {
        Fuzz.fail("rendered state does not read back: \(error)\n\(StateFiles.render(state))")
    }
    return 0
}

private func write(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0, bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
        Fuzz.fail("cannot write \(path)")
    }
    close(fd)
}
