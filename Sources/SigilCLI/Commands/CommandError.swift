/// A command's own failure (not a library's): one line, printed by `Sigil.main`.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
