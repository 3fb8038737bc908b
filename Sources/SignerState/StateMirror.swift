import Foundation

/// Keeps the CometBFT-format state file in step with the journal, off the signing path: one writer thread
/// replaces the file (StateFile.persist) with the newest submitted state, skipping any it was too slow for.
/// The file may lag the journal by the signatures in flight; loading takes the higher of the two.
final class StateMirror: @unchecked Sendable {
    private let file: StateFile
    private let condition = NSCondition()
    private var pending: LastSignState?
    private var writing = false
    private var thread: Thread?
    private var onFailure: (@Sendable (StateError) -> Void)?

    init(file: StateFile) { self.file = file }

    func whenFailing(_ handler: @escaping @Sendable (StateError) -> Void) {
        condition.lock()
        onFailure = handler
        condition.unlock()
    }

    func submit(_ state: LastSignState) {
        condition.lock()
        pending = state
        if thread == nil {
            let t = Thread { self.run() }  // lives as long as the process: the mirror is never idle for long
            t.stackSize = 1 << 18
            thread = t
            t.start()
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every submitted state is on disk (or failed).
    func flush() {
        condition.lock()
        while pending != nil || writing { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while pending == nil { condition.wait() }
            let state = pending!
            pending = nil
            writing = true
            let failed = onFailure
            condition.unlock()
            do { try file.replace(with: state) } catch { failed?(StateError.stateFileBehind(file.path, error)) }
            condition.lock()
            writing = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
