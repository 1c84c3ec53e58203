/// Reads a rip log's bytes and scores it as RED's and OPS's logchecker does
/// (OPSnet/Logchecker src/Logchecker.php parse): the ripper is told by its
/// banner, EAC logs are put into English first, and the log's own checksum is
/// verified (`ChecksumVerdict`). The checker deducts nothing for a missing or
/// invalid checksum; the sites show the verdict beside the score
/// (OPSnet/Gazelle app/Logfile.php, app/LogfileSummary.php).
public enum RipLogChecker {
    public static func check(_ bytes: [UInt8]) -> RipLogReport {
        guard let text = LogText.decode(bytes) else {
            var report = RipLogReport()
            report.rawScore = 0
            report.checksum = .missing
            report.details = ["Could not detect log encoding, log is corrupt."]
            return report
        }
        guard let ripper = ripper(of: text) else {
            var report = RipLogReport()
            report.rawScore = 0
            report.checksum = .missing
            report.details = ["Unknown log file, could not determine ripper."]
            return report
        }
        switch ripper {
        case .whipper:
            return WhipperLogScorer.score(text)
        case .eac:
            let language = EACLanguages.detect(text)
            let notice = language.map { $0.code == "en" ? nil : "Translated log from \($0.name) (\($0.englishName)) to English." } ?? "Could not determine language. Assuming English."
            var scorer = LegacyLogScorer(ripper: .eac) { EACChecksum.verdict(bytes) }
            return scorer.score(text, language: language, notice: notice)
        case .xld:
            var scorer = LegacyLogScorer(ripper: .xld) { XLDChecksum.verdict(bytes) }
            return scorer.score(text, language: nil, notice: nil)
        }
    }

    /// OPSnet/Logchecker src/Check/Ripper.php: whipper's, XLD's and EAC's banners, or "EAC" on the first line.
    static func ripper(of text: String) -> Ripper? {
        if text.contains("Log created by: whipper") { return .whipper }
        if text.contains("X Lossless Decoder version") { return .xld }
        if text.contains("Exact Audio Copy") { return .eac }
        // By scalars: a "\r\n" is one Character to Swift, so splitting Characters at "\n" would miss it.
        guard let newline = text.unicodeScalars.firstIndex(of: "\n") else { return nil }
        return String(text.unicodeScalars[..<newline]).contains("EAC") ? .eac : nil
    }
}

extension RipLogChecker {
    /// The verdict on the checksum alone, for a log known to be the ripper's.
    public static func checksum(of bytes: [UInt8], ripper: Ripper) -> ChecksumVerdict {
        switch ripper {
        case .eac: EACChecksum.verdict(bytes)
        case .xld: XLDChecksum.verdict(bytes)
        case .whipper: LogText.decode(bytes).map(WhipperChecksum.verdict) ?? .missing
        }
    }
}
