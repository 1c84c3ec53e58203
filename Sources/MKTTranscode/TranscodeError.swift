/// Why a transcode was refused or failed: one line, naming the file (or the
/// option) and what is wrong.
public enum TranscodeError: Error, Equatable, CustomStringConvertible {
    /// A bad `--to`.
    case usage(String)
    /// The source is not one a derived format may be made from.
    case refused(path: String, reason: String)
    /// A program mkt needs is not installed.
    case missingProgram(String, package: String)
    /// An encoder exited with an error, or could not be run.
    case encoder(path: String, reason: String)
    /// An output is not what it should be.
    case verification(path: String, reason: String)
    /// Stopped (Ctrl-C): a track not started, or the whole release (nothing recorded).
    case stopped(path: String)

    public var description: String {
        switch self {
        case .usage(let text): text
        case .refused(let path, let reason): "\(path): refused: \(reason)"
        case .missingProgram(let program, let package): "mkt transcode needs \(program), which is not on PATH (Debian package \(package))"
        case .encoder(let path, let reason): "\(path): the encoder failed: \(reason)"
        case .verification(let path, let reason): "\(path): not recorded: \(reason)"
        case .stopped(let path): "\(path): stopped (Ctrl-C): nothing was recorded, the tracks made so far are removed"
        }
    }
}
