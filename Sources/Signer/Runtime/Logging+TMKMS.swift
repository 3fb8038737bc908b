import Logging

extension LoggingSystem {
    /// Routes every logger through the TMKMS-shaped handler, once per process.
    public static func bootstrapTMKMS(level: Logger.Level = .info, json: Bool = false) {
        LoggingSystem.bootstrap { label in
            var handler = TMKMSLogHandler(label: label, json: json)
            handler.logLevel = level
            return handler
        }
    }
}
