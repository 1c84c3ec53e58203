@preconcurrency import Glibc
import Foundation
import MKTCredentials
import MKTStore
import Synchronization

/// Standard output and error. Output is buffered by stdio and checked when
/// the command ends, so a full disk or a closed pipe is reported (as git
/// does) instead of data going silently missing.
enum Console {
    /// Every byte, a NUL too (`ls-release -z`): fputs stopped at the first.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stdoutStream) }
    }

    static func write(_ data: Data) {
        _ = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdoutStream) }
    }

    /// Flushes what is buffered; for batch modes that answer line by line.
    static func flush() throws(CommandError) {
        if fflush(stdoutStream) != 0 || ferror(stdoutStream) != 0 {
            throw .standardOutput(errno: errno)
        }
    }

    /// Standard error, with every secret this process knows redacted.
    static func error(_ text: String) {
        fputs(redactor.withLock { $0?.redact(text) } ?? text, stderrStream)
    }

    /// `text` with every secret this process knows replaced, for text that leaves by another way (a notification).
    static func redact(_ text: String) -> String {
        redactor.withLock { $0?.redact(text) } ?? text
    }

    /// How serious a diagnostic is: the word that starts its line, as git's do.
    enum Severity: String {
        case error, warning, hint
    }

    /// The one sink for diagnostics: `error: …`, `warning: …`, `hint: …`, a
    /// line each on standard error, secrets redacted.
    static func diagnose(_ severity: Severity, _ text: String) {
        error("\(severity.rawValue): \(text)\n")
    }

    /// Registers secrets the command has learnt, so no message can show them.
    static func protect(_ secrets: [String]) {
        redactor.withLock { current in
            known.withLock { $0 += secrets }
            current = SecretRedactor(secrets: known.withLock { $0 })
        }
    }

    private static let known = Mutex<[String]>([])
    private static let redactor = Mutex<SecretRedactor?>(nil)

    /// An object barrier that refuses any object holding a secret this
    /// process knows, including those learnt after it was installed.
    struct KnownSecretsBarrier: ObjectWriteBarrier {
        func check(_ body: Data, type: ObjectType) throws(StoreError) {
            try Console.redactor.withLock { $0 }?.check(body, type: type)
        }
    }
}

// stdio's streams are process-wide C globals; stdio locks them internally.
nonisolated(unsafe) private let stdoutStream = Glibc.stdout!
nonisolated(unsafe) private let stderrStream = Glibc.stderr!
