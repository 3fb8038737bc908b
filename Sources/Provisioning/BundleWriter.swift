import Foundation

/// Writes planned bundles. The directory must not exist; every file is created with O_EXCL and its final mode,
/// and a failure removes what this run created, so a refusal never leaves half a bundle.
public enum BundleWriter {
    public static func checkAbsent(_ directory: String) throws {
        if FileManager.default.fileExists(atPath: directory) {
            throw ProvisionError(.bundleExists, "\(directory) already exists: Sigil never overwrites keys; "
                + "move it away or choose another --out")
        }
    }

    public static func write(_ files: [BundleFile], to directory: String) throws {
        let fm = FileManager.default
        try checkAbsent(directory)
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
            for file in files {
                let path = directory + "/" + file.path
                if file.isDirectory {
                    try fm.createDirectory(atPath: path, withIntermediateDirectories: true,
                                           attributes: [.posixPermissions: Int(file.mode)])
                    continue
                }
                let parent = (path as NSString).deletingLastPathComponent
                try fm.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                       attributes: [.posixPermissions: 0o700])
                try create(path, Array(file.contents.utf8), mode: file.mode)
            }
        } catch {
            try? fm.removeItem(atPath: directory)
            if let e = error as? ProvisionError { throw e }
            throw ProvisionError(.writeFailed, "cannot write bundle \(directory): \(error)")
        }
    }

    private static func create(_ path: String, _ bytes: [UInt8], mode: UInt16) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw ProvisionError(.writeFailed, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ProvisionError(.writeFailed, "cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += n
        }
        guard fchmod(fd, mode_t(mode)) == 0, fsync(fd) == 0 else {
            throw ProvisionError(.writeFailed, "cannot finish \(path): \(String(cString: strerror(errno)))")
        }
    }
}
