/// The program that wrote a log.
public enum Ripper: String, Sendable, Codable {
    case eac = "EAC", xld = "XLD", whipper
}

/// One track of a log as far as the audio check needs it: its number and the CRC its ripper computed of the copy.
public struct LoggedTrack: Sendable, Equatable {
    public let number: Int
    /// Upper-case hex, 8 digits.
    public let copyCRC: String

    public init(number: Int, copyCRC: String) {
        self.number = number
        self.copyCRC = copyCRC
    }
}

/// A log scored the way RED's and OPS's logchecker scores it
/// (OPSnet/Logchecker src/Logchecker.php): 100 less each deduction, each
/// deduction named with its points in the logchecker's words.
public struct RipLogReport: Sendable, Equatable {
    /// nil: not a log mkt (or the logchecker) recognises.
    public var ripper: Ripper?
    public var version: String?
    /// The EAC language code the log was written in (`en` for XLD and whipper).
    public var language: String = "en"
    /// How many rips the file holds (more than one: a combined log).
    public var logCount: Int = 1
    /// The logchecker's own number, which can fall below zero.
    public var rawScore: Int = 100
    public var checksum: ChecksumVerdict = .ok
    /// Every line the logchecker reports, in its order: deductions end in "(-N points)"; notices and unverified settings carry no points.
    public var details: [String] = []
    /// The tracks with their copy CRCs (for a combined log, the last rip of each track).
    public var tracks: [LoggedTrack] = []
    /// EAC was told to leave null samples out of its CRCs, so they are not the CRC of the whole audio.
    public var crcsSkipNullSamples = false

    public init() {}

    /// The score as the site shows it: the logchecker's, not below zero (OPSnet/Gazelle app/Logfile.php).
    public var score: Int { max(0, rawScore) }

    public var isCombined: Bool { logCount > 1 }
}
