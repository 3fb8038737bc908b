import ArgumentParser
import Glibc
import WireGuard

/// `sigil wg`: WireGuard keys and device status, byte-compatible with wg(8).
struct WireGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wg",
        abstract: "WireGuard keys (like wg genkey/pubkey/genpsk) and device status.",
        subcommands: [GenKey.self, PubKey.self, GenPSK.self, Show.self])
}

extension WireGuardCommand {
    struct GenKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "genkey", abstract: "Print a new private key, or write it to a new 0600 file.")

        @Option(name: .long, help: "Write the key to this new file (mode 0600; an existing file is not replaced).")
        var out: String?

        func run() throws { try emit(WireGuardKey.generatePrivate(), out: out) }
    }

    struct GenPSK: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "genpsk", abstract: "Print a new preshared key, or write it to a new 0600 file.")

        @Option(name: .long, help: "Write the key to this new file (mode 0600; an existing file is not replaced).")
        var out: String?

        func run() throws { try emit(WireGuardKey.generatePreshared(), out: out) }
    }

    struct PubKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pubkey", abstract: "Read a private key on stdin and print its public key.")

        func run() throws {
            var input = readAll(fd: 0, limit: 4096)
            defer { for i in input.indices { input[i] = 0 } }
            let key = try KeyFile.parseKeyText(input, what: "private key on stdin", secret: true)
            print(key.publicKey().base64)
        }
    }
}

extension WireGuardCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show WireGuard interfaces and which backend (kernel or wireguard-go) runs each.")

        @Argument(help: "One interface; all when omitted.")
        var interface: String?

        func run() throws {
            if let interface {
                print(try Tunnel.show(interface: interface), terminator: "")
                return
            }
            let names = try Tunnel.interfaces()
            if names.isEmpty {
                print("no WireGuard interfaces")
                return
            }
            print(try names.map { try Tunnel.show(interface: $0) }.joined(separator: "\n"), terminator: "")
        }
    }
}

/// Prints a fresh secret key, or stores it; warns like wg when stdout is a world-accessible file.
private func emit(_ key: WireGuardKey, out: String?) throws {
    if let out {
        try KeyFile.write(key, to: out)
        return
    }
    var st = stat()
    if fstat(1, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o007 != 0 {
        let warning = "Warning: writing to world accessible file.\n"
            + "Consider setting the umask to 077 and trying again, or use --out PATH.\n"
        _ = warning.withCString { write(2, $0, strlen($0)) }
    }
    print(key.base64)
}

private func readAll(fd: Int32, limit: Int) -> [UInt8] {
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 512)
    while out.count < limit {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    for i in buf.indices { buf[i] = 0 }
    return out
}
