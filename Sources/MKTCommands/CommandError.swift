import Foundation

/// Failures the command layer finds itself (the libraries have their own).
public enum CommandError: Error, Equatable, CustomStringConvertible {
    case standardOutput(errno: Int32)
    case cannotChangeDirectory(String, errno: Int32)
    case badInput(source: String, line: Int, reason: String)
    case objectMissing(String)
    case unreadable(String, errno: Int32)
    case notUTF8(String)
    case pushFailed(tracker: String, summary: String)
    case hookRefused(hook: String, tracker: String, status: Int32)
    case noAnswer(folder: String)
    case noAudio(folder: String)
    case noPasskey(tracker: String, reason: String)

    public var description: String {
        switch self {
        case .standardOutput(let code):
            "write failure on standard output: \(String(cString: strerror(code)))"
        case .cannotChangeDirectory(let path, let code):
            "cannot change to '\(path)': \(String(cString: strerror(code)))"
        case .badInput(let source, let line, let reason):
            "\(source) line \(line): \(reason)"
        case .objectMissing(let name):
            "\(name): object does not exist"
        case .unreadable(let path, let code):
            "cannot read '\(path)': \(String(cString: strerror(code)))"
        case .notUTF8(let name):
            "\(name): not UTF-8 text"
        case .pushFailed(let tracker, let summary):
            "\(tracker): \(summary)"
        case .noPasskey(let tracker, let reason):
            "\(tracker): no passkey, so an upload could not be seeded (\(reason)): mkt credential set \(tracker) --passkey, or push with --no-seed; nothing was sent"
        case .noAudio(let folder):
            "\(folder): no audio files (flac, mp3, m4a, m4b, ogg, opus); it was not added"
        case .noAnswer(let folder):
            "\(folder): no answer (end of input); it was not added"
        case .hookRefused(let hook, let tracker, let status):
            "the \(hook) hook refused the push to \(tracker) (exit status \(status)); nothing was sent"
        }
    }
}
