import Foundation
import Glibc
import SigilCrypto
import Sockets

/// wireguard-go (or another UAPI implementation) driven over `/var/run/wireguard/<if>.sock`.
public struct UserspaceBackend: WireGuardBackend {
    public let name = "userspace (wireguard-go)"
    public let socketDirectory: String

    public init(socketDirectory: String = "/var/run/wireguard") {
        self.socketDirectory = socketDirectory
    }

    public func socketPath(_ interface: String) -> String { "\(socketDirectory)/\(interface).sock" }

    /// wg(8)'s probe: the socket exists and accepts a connection.
    public func isLive(_ interface: String) -> Bool {
        guard let s = try? Socket.connect(unixPath: socketPath(interface)) else { return false }
        s.close()
        return true
    }

    /// Interfaces with a socket in the directory (live or stale), sorted.
    public func interfaces() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: socketDirectory)) ?? []
        return names.filter { $0.hasSuffix(".sock") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func device(named interface: String) throws -> Device {
        var response = try exchange(interface, UAPI.getRequest)
        defer { wipe(&response) }
        return try UAPI.parseGet(response, name: interface)
    }

    public func configure(_ interface: String, _ config: DeviceConfig) throws {
        var request = UAPI.setRequest(config)
        defer { wipe(&request) }
        let response = try exchange(interface, request)
        guard let e = UAPI.errno(of: response) else { throw WireGuardError.uapi(interface, "set: no errno= trailer") }
        guard e == 0 else {
            throw WireGuardError.uapi(interface, "set refused with \(UAPI.describe(errno: e))")
        }
    }

    func exchange(_ interface: String, _ request: [UInt8]) throws -> [UInt8] {
        let path = socketPath(interface)
        let s: Socket
        do {
            s = try Socket.connect(unixPath: path)
        } catch {
            throw WireGuardError(code: .noSuchInterface, reason: "no userspace WireGuard interface \(interface): "
                + "cannot connect to \(path) (\(error))")
        }
        defer { s.close() }
        s.setTimeouts(read: 5, write: 5)
        var response = [UInt8]()
        do {
            try s.write(request)
            while !UAPI.isComplete(response) {
                response += try s.read(maxLength: 4096)
                guard response.count < 16 << 20 else { throw WireGuardError.uapi(interface, "response over 16 MiB") }
            }
        } catch let e as WireGuardError {
            throw e
        } catch {
            wipe(&response)
            throw WireGuardError.uapi(interface, "\(path): \(error)")
        }
        return response
    }
}

extension UserspaceBackend {
    /// The userspace implementation wg-quick would run: `$WG_QUICK_USERSPACE_IMPLEMENTATION` or wireguard-go.
    public static var implementation: String {
        ProcessInfo.processInfo.environment["WG_QUICK_USERSPACE_IMPLEMENTATION"] ?? "wireguard-go"
    }

    /// Starts `wireguard-go <interface>` (it daemonizes) and waits until its socket answers `get=1`.
    public func start(_ interface: String, executable: String = UserspaceBackend.implementation,
                      timeout: Double = 10) throws {
        guard TunnelConfig.isValidInterfaceName(interface) else { throw WireGuardError.invalidInterfaceName(interface) }
        guard let path = Self.findExecutable(executable) else {
            throw WireGuardError(code: .userspaceStart, reason: "cannot start userspace WireGuard for \(interface): "
                + "`\(executable)' is not on PATH; install wireguard-go, or load the wireguard kernel module")
        }
        // The daemon keeps stdio only with LOG_LEVEL set; its parent's errors are what we want to show.
        let (status, output) = try Spawn.run(path, [interface], unsetting: ["LOG_LEVEL", "WG_PROCESS_FOREGROUND"])
        guard status == 0 else {
            let said = output.split(separator: "\n").filter { !$0.contains("WARNING") && !$0.isEmpty }.last ?? ""
            throw WireGuardError(code: .userspaceStart, reason: "\(executable) \(interface) exited with status "
                + "\(status): \(said.isEmpty ? "no message" : String(said)) "
                + "(it needs CAP_NET_ADMIN, /dev/net/tun and a writable \(socketDirectory))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? device(named: interface)) != nil { return }
            usleep(20_000)
        }
        throw WireGuardError(code: .userspaceStart, reason: "\(executable) \(interface) started but "
            + "\(socketPath(interface)) did not answer within \(Int(timeout)) s")
    }

    /// Removes the socket, which makes wireguard-go close the TUN device and exit (wg-quick's `del_if`).
    public func stop(_ interface: String) throws {
        guard unlink(socketPath(interface)) == 0 || errno == ENOENT else {
            throw WireGuardError.system("removing \(socketPath(interface))", errno: errno)
        }
    }

    static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

extension UAPI {
    /// `errno=N` as an operator reads it. wireguard-go sends a negative errno; the magnitude is taken without
    /// `abs`, which traps on Int32.min, a value a broken or hostile peer on the socket can send.
    static func describe(errno e: Int32) -> String {
        "errno=\(e) (\(String(cString: strerror(Int32(clamping: e.magnitude)))))"
    }
}
