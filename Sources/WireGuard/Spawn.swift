import Glibc

/// Runs a program to completion with posix_spawn and waitpid, capturing stdout and stderr.
/// Unlike reading a pipe to EOF, this returns when the program exits even if it leaves a daemon behind.
enum Spawn {
    static func run(_ path: String, _ args: [String], unsetting: [String] = []) throws
        -> (status: Int32, output: String)
    {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw WireGuardError.system("pipe", errno: errno) }
        fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        defer { close(fds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        // wireguard-go's daemon keeps every descriptor it inherits; hand it none of ours (netlink sockets,
        // a signer's connections) beyond stdio.
        closeFrom(3, &actions)

        var env = [String]()
        var e = environ
        while let p = e.pointee {
            let entry = String(cString: p)
            if !unsetting.contains(where: { entry.hasPrefix($0 + "=") }) { env.append(entry) }
            e += 1
        }
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(fds[1])
        guard rc == 0 else { throw WireGuardError.system("starting \(path)", errno: rc) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, drain(fds[0]))
    }

    /// glibc >= 2.34 has `posix_spawn_file_actions_addclosefrom_np`, but Swift's Glibc module does not
    /// export it; look it up at run time and skip it on older libcs.
    static func closeFrom(_ fd: Int32, _ actions: inout posix_spawn_file_actions_t) {
        typealias Fn = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") // RTLD_DEFAULT
        else { return }
        _ = unsafeBitCast(sym, to: Fn.self)(&actions, fd)
    }

    /// What is buffered in a pipe right now, without waiting for more.
    static func drain(_ fd: Int32) -> String {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < 1 << 16 {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
