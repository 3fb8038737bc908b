import Logging

extension LoggingSystem {
    /// Routes every logger through the TMKMS-shaped handler, once per process.
    public static func bootstrapTMKMS(level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var handler = TMKMSLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
