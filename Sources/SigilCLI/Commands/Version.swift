import ArgumentParser
import Signer

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Sigil's version.")

    func run() {
        print("sigil \(SigilVersion.string)")
    }
}
