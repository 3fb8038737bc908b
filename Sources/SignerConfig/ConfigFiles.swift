import Glibc

extension SignerConfig {
    /// Every key file the config names must exist, be a regular file, and be private to its owner.
    public func checkFiles(file: String) throws(ConfigError) {
        for p in softsign {
            let fix = p.keyFormat == .json
                ? "copy the node's priv_validator_key.json there (mode 600)"
                : "create it with `sigil softsign keygen \(p.path)` or `sigil softsign import`"
            try checkKeyFile(p.path, field: "path", table: "[[providers.softsign]]", line: p.line, file: file, fix: fix)
        }
        for v in validators {
            guard let key = v.secretKey else { continue }
            try checkKeyFile(
                key, field: "secret_key", table: "[[validator]]", line: v.line, file: file,
                fix: "create it with `sigil softsign keygen \(key)` (or `sigil init`)")
        }
        try checkStateBackendFiles(file: file)
    }

    func checkKeyFile(
        _ path: String, field: String, table: String, line: Int, file: String, fix: String
    ) throws(ConfigError) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = errno == ENOENT ? "not found" : String(cString: strerror(errno))
            throw ConfigError(.missingFile, file, line, "\(table) \(field) = \"\(path)\": \(reason); \(fix)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigError(.missingFile, file, line, "\(table) \(field) = \"\(path)\" is not a regular file; \(fix)")
        }
        let mode = st.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ConfigError(
                .insecureFile, file, line,
                "\(table) \(field) = \"\(path)\" is accessible to group or others (mode \(String(mode, radix: 8))); "
                    + "run chmod 600 \(path)")
        }
    }
}
