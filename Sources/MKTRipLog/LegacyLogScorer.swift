import Foundation

/// Scores EAC and XLD logs by the rules of OPSnet/Logchecker src/Logchecker.php
/// (legacyParse and the callbacks it calls), in the same order, so that the
/// details come out as the site lists them. The rules are facts (a setting,
/// the points it costs, the words the site uses); the code is mkt's.
struct LegacyLogScorer {
    let ripper: Ripper
    /// The whole file's checksum verdict, computed once by the caller from the bytes.
    let fileChecksum: () -> ChecksumVerdict

    private var report = RipLogReport()
    private var checksumChecked = false

    // State the rules share, as the logchecker keeps it.
    private var secureMode = true
    private var nonSecureMode: String?
    private var driveFound = false
    private var offsets: [Int] = []
    private var drives: [String] = []
    private var xldSecureRipper = false
    private var combined: Int?
    private var currentLog = 1
    private var isRange = false
    /// Per track number (as written), what it costs and says; a later rip of the same track replaces an earlier one.
    private var trackOrder: [String] = []
    private var trackOutcome: [String: (points: Int, messages: [String])] = [:]
    private var trackCRCs: [String: String] = [:]

    init(ripper: Ripper, fileChecksum: @escaping () -> ChecksumVerdict) {
        self.ripper = ripper
        self.fileChecksum = fileChecksum
    }

    // MARK: Patterns (OPSnet/Logchecker src/Logchecker.php legacyParse)

    private static let englishChecksum = Pattern(#"(====[ ]+Log checksum [\d\w ]+[ ]+====)"#)
    private static let anyChecksum = Pattern(#"(====[ ]+[\d\w ]+[ ]+====)"#)
    private static let checksumSplit = Pattern(#"\n====[ ]+[\d\w ]+[ ]+===="#)
    // `(?<!-)`: a run of dashes is tried from its start only, not from each of its dashes (which made a long run quadratic); it matches the same logs.
    private static let xldSignature = Pattern(#"(?<!-)[\-]+BEGIN XLD SIGNATURE[\S\n\-]+END XLD SIGNATURE[\-]+"#)
    private static let xldSignatureSplit = Pattern(#"\n[\-]+BEGIN XLD SIGNATURE[\S\n\-]+END XLD SIGNATURE[\-]+"#)
    private static let xldSignatureStart = Pattern(#"(?<!-)[\-]+BEGIN XLD SIGNATURE"#)
    private static let statusReportEnd = Pattern(#"\nEnd of status report"#)
    private static let cueToolsPlugin = Pattern(#"---- CUETools DB Plugin V.+"#)
    private static let onlyDashes = Pattern(#"^\-+$"#)

    mutating func score(_ original: String, language: EACLanguage?, notice: String?) -> RipLogReport {
        report.ripper = ripper
        var text = original
        if let language, language.code != "en" {
            report.language = language.code
        }
        if let notice { account(notice, notice: true) }
        if let language, language.code != "en" { text = EACLanguages.translate(text, from: language) }
        text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "")

        // Foreign logs sometimes lack the words "Log checksum" (a translation file's fault), so any ==== line will do for them.
        let checksumLine = report.language == "en" ? Self.englishChecksum : Self.anyChecksum
        var pieces: [String]
        if checksumLine.isFound(in: text) {
            pieces = Self.checksumSplit.splitKeepingSeparators(text)
        } else if Self.xldSignature.isFound(in: text) {
            pieces = Self.xldSignatureSplit.splitKeepingSeparators(text)
        } else {
            report.checksum = .missing
            pieces = Self.statusReportEnd.splitKeepingSeparators(text).filter { !Self.cueToolsPlugin.isFound(in: $0) }
        }
        var logs: [String] = []
        for piece in pieces {
            let trimmed = piece.trimmingCharacters(in: Self.phpTrimSet)
            if trimmed.isEmpty || Self.onlyDashes.isFound(in: trimmed) { continue }
            let belongsToPrevious = report.checksum != .ok
                ? Pattern("End of status report").isFound(in: trimmed)
                : checksumLine.isFound(in: trimmed) || Self.xldSignatureStart.isFound(in: trimmed)
            if belongsToPrevious, !logs.isEmpty {
                logs[logs.count - 1] += trimmed
            } else {
                logs.append(belongsToPrevious ? trimmed : piece)
            }
        }
        if logs.count > 1 { combined = logs.count }
        report.logCount = max(1, logs.count)

        for (index, log) in logs.enumerated() {
            currentLog = index + 1
            if !scoreLog(log, checksumLine: checksumLine) { return finish(early: true) }
        }
        if logs.isEmpty {
            report.rawScore = 0
            account("Unrecognized log file! Feel free to report for manual review.")
        }
        return finish(early: false)
    }

    private static let phpTrimSet = CharacterSet(charactersIn: " \t\n\r\0\u{0B}")

    private mutating func finish(early: Bool) -> RipLogReport {
        if !early {
            for number in trackOrder {
                guard let outcome = trackOutcome[number] else { continue }
                report.rawScore -= outcome.points
                report.details += outcome.messages
            }
            if let combined { report.details.insert("Combined Log (\(combined))", at: 0) }
        }
        report.tracks = trackOrder.compactMap { number in
            guard let crc = trackCRCs[number], let value = Int(number) else { return nil }
            return LoggedTrack(number: value, copyCRC: crc)
        }
        return report
    }

    // MARK: One rip

    /// Scores one rip of the file; false when the file is not a log (the logchecker stops there).
    private mutating func scoreLog(_ log: String, checksumLine: Pattern) -> Bool {
        if let match = Pattern(#"Exact Audio Copy (.+) from"#).first(in: log) {
            let version = String(match[1].drop(while: { $0 == "V" }))
            report.version = version
            let leading = version.split(separator: " ").first.map(String.init) ?? version
            if Self.compareVersions(leading, "1.0") < 0 {
                report.checksum = .missing
                if Self.phpLessOrEqual(version, 0.95) { account("EAC version older than 0.99", points: 30) }
            } else if !checksumLine.isFound(in: log) {
                report.checksum = .missing
            }
        } else if Pattern("EAC extraction logfile from").isFound(in: log) {
            report.checksum = .missing
            account("EAC version older than 0.99", points: 30)
        }
        if let match = Pattern(#"X Lossless Decoder version (\d+) \((.+)\)"#).first(in: log) {
            report.version = match[1]
            if Self.compareVersions(match[1], "20121222") >= 0, !Self.xldSignature.isFound(in: log) {
                report.checksum = .missing
            }
        }
        let isEAC = Pattern(#"EAC extraction logfile from (.+)\n+(.+)"#).isFound(in: log)
        let isXLD = Pattern(#"XLD extraction logfile from (.+)\n+(.+)"#).isFound(in: log)
        guard isEAC || isXLD else {
            if let combined {
                report.details = ["Combined Log (\(combined))", "Unrecognized log file (\(currentLog))! Feel free to report for manual review."]
            } else {
                report.details.append("Unrecognized log file! Feel free to report for manual review.")
            }
            report.rawScore = 0
            // The logchecker leaves its initial "ok" here; mkt says missing, since nothing was verified.
            report.checksum = .missing
            return false
        }
        if report.checksum == .ok, !checksumChecked {
            report.checksum = fileChecksum()
            checksumChecked = true
        }
        // EAC writes at least a checksum line for some logs it cannot sign properly.
        if (checksumLine.isFound(in: log) || Self.xldSignature.isFound(in: log)), report.checksum == .missing {
            report.checksum = .invalid
        }
        if isEAC, Pattern(#"Used output format[ ]+:[ ]+[a-z0-9 ]+MP3"#).isFound(in: log)
            || Pattern(#"Command line compressor[ ]+:.+(MP3|lame)\.exe"#).isFound(in: log) {
            if combined != nil {
                report.details.append("Skipping Log (\(currentLog)), MP3 Rip")
            } else {
                account("Invalid Log (MP3)", points: 100)
            }
            return true
        }
        checkSettings(log, isEAC: isEAC, isXLD: isXLD)
        let trackCount = checkTracks(log, isEAC: isEAC, isXLD: isXLD)
        if trackCount == 0 {
            report.details = combined.map { ["Combined Log (\($0))", "Invalid log (\(currentLog)), no tracks!"] } ?? ["Invalid log, no tracks!"]
            report.rawScore = 0
        }
        if let mode = nonSecureMode { account("\(mode) mode was used", points: 20) }
        secureMode = true
        nonSecureMode = nil
        return true
    }

    // MARK: The settings block

    private mutating func checkSettings(_ log: String, isEAC: Bool, isXLD: Bool) {
        if let match = Pattern(#"Used drive( *): (.+)"#).first(in: log) {
            let name = match[2].trimmingCharacters(in: .whitespaces)
            if name == "(null) (null) (revision (null))" { account("Null drive used", points: 20) }
            if Self.virtualDrives.contains(name) { account("Virtual drive used: \(match[2])", points: 20) }
            (drives, offsets) = DriveOffsets.lookUp(name)
            driveFound = !drives.isEmpty
        } else {
            account("Could not verify used drive", points: 1)
        }
        if let match = Pattern(#"Media type( *): (.+)"#).first(in: log) {
            if match[2].trimmingCharacters(in: .whitespaces) != "Pressed CD" { account("Not a pressed cd", perLog: true, notice: true) }
        } else if isXLD, let version = report.version.flatMap(Int.init), version >= 20_130_127 {
            account("Could not verify media type", points: 1)
        }
        if let match = Pattern(#"Read mode( *): ([a-z]+)(.*)?"#).first(in: log) {
            if match[2] != "Secure" {
                secureMode = false
                nonSecureMode = match[2]
            }
        } else if isEAC {
            account("Could not verify read mode", points: 1)
        }
        let ripperMode = Pattern(#"Ripper mode( *): (.*)"#).first(in: log)
        // XLD's secure modes: CDParanoia, or its own Secure Ripper (whose statistics differ).
        if let mode = ripperMode?[2], !mode.hasPrefix("CDParanoia") {
            if mode == "XLD Secure Ripper" { xldSecureRipper = true } else { secureMode = false }
        }
        let paranoiaMode = Pattern(#"Use cdparanoia mode( *): (.*)"#).first(in: log)
        if let mode = paranoiaMode?[2], !mode.hasPrefix("YES") { secureMode = false }
        if ripperMode == nil, paranoiaMode == nil, isXLD { account("Could not verify read mode", points: 1) }
        if let match = Pattern(#"Max retry count( *): (\d+)"#).first(in: log) {
            if (Int(match[2]) ?? 0) < 10 { account(#"Low "max retry count" (potentially bad setting)"#) }
        } else if isXLD {
            account("Could not verify max retry count")
        }
        let accurateStream = Pattern(#"Utilize accurate stream( *): (Yes|No)"#).first(in: log)
        if let value = accurateStream?[2], value != "Yes" { account(#""Utilize accurate stream" should be yes"#, points: 20) }
        let accurateStreamOld = Pattern(#", (|NO )accurate stream"#).first(in: log)
        if let value = accurateStreamOld?[1], value.lowercased() == "no " { account(#""accurate stream" should be yes"#, points: 20) }
        if accurateStream == nil, accurateStreamOld == nil, nonSecureMode == nil, isEAC { account("Could not verify accurate stream", points: 20) }
        let defeatCache = Pattern(#"Defeat audio cache( *): (Yes|No)"#).first(in: log)
        if let value = defeatCache?[2], value != "Yes" { account(#""Defeat audio cache" should be yes"#, points: 10) }
        let disableCacheOld = Pattern(#" (|NO )disable cache"#).first(in: log)
        if let value = disableCacheOld?[1], value.lowercased() == "no " { account("Audio cache not disabled", points: 10) }
        if defeatCache == nil, disableCacheOld == nil, nonSecureMode == nil, isEAC { account("Could not verify defeat audio cache", points: 1) }
        if let match = Pattern(#"Disable audio cache( *): (.*)"#).first(in: log) {
            if !match[2].hasPrefix("OK"), !match[2].hasPrefix("YES") { account(#""Disable audio cache" should be yes/ok"#, points: 10) }
        } else if isXLD {
            account("Could not verify defeat audio cache", points: 1)
        }
        let c2 = Pattern(#"Make use of C2 pointers( *): (Yes|No)"#).first(in: log)
        if let value = c2?[2], value.lowercased() == "yes" { account("C2 pointers were used", points: 10) }
        let c2Old = Pattern(#"with (|NO )C2"#).first(in: log)
        if let value = c2Old?[1], value.lowercased() != "no " { account("C2 pointers were used", points: 10) }
        if c2 == nil, c2Old == nil, nonSecureMode == nil { account("Could not verify C2 pointers", points: 1) }
        if let match = Pattern(#"Read offset correction( *): ([+-]?[0-9]+)"#).first(in: log) {
            checkOffset(Int(match[2]) ?? 0)
        } else {
            account("Could not verify read offset", points: 1)
        }
        if Pattern(#"(Combined read\/write offset correction\s*:\s+\d+)"#).isFound(in: log) {
            account("Combined read/write offset cannot be verified", points: 4)
        }
        if let match = Pattern(#"Fill up missing offset samples with silence( +): (Yes|No)"#).first(in: log) {
            if match[2] != "Yes" { account("Does not fill up missing offset samples with silence", points: 5) }
        } else if isEAC {
            account("Could not verify missing offset samples", points: 1)
        }
        if let match = Pattern(#"Delete leading and trailing silent blocks([ \w]*)( +): (Yes|No)"#).first(in: log) {
            if match[3] == "Yes" { account("Deletes leading and trailing silent blocks", points: 5) }
        } else if isEAC {
            account("Could not verify silent blocks", points: 1)
        }
        if let match = Pattern(#"Null samples used in CRC calculations( +): (Yes|No)"#).first(in: log) {
            if match[2] != "Yes" {
                account("Null samples should be used in CRC calculations", points: 5)
                report.crcsSkipNullSamples = true
            }
        } else if isEAC {
            account("Could not verify null samples")
        }
        if Pattern(#"Normalize to( +): ([0-9% ]+)"#).isFound(in: log) { account("Normalization should be not be active", points: 100) }
        if let match = Pattern(#"Gap handling( +): ([^\n]+)"#).first(in: log) {
            let value = match[2]
            if value.contains("Not detected") {
                account("Gap handling was not detected", points: 10)
            } else if value.contains("Appended to next track") || value.contains("Left out") {
                account("Gap handling should be appended to previous track", points: 10)
            }
        } else if isEAC {
            account("Could not verify gap handling", points: 10)
        }
        if let match = Pattern(#"Gap status( +): (.*)"#).first(in: log) {
            let value = match[2].lowercased()
            if value.contains("not") {
                account("Incorrect gap handling", points: 10)
            } else if !(value.contains("analyzed") && value.contains("appended")) {
                account("Incomplete gap handling", points: 10)
            }
        } else if isXLD {
            account("Could not verify gap status", points: 10)
        }
        if let match = Pattern(#"Add ID3 tag( +): (Yes|No)"#).first(in: log) {
            if match[2] == "Yes" {
                account("ID3 tags should not be added to FLAC files - they are mainly for MP3 files. FLACs should have vorbis comments for tags instead.", points: 1)
            }
        } else if isEAC {
            account("Could not verify id3 tag setting")
        }
        if Pattern(#"(Use compression offset\s+:\s+\d+)"#).isFound(in: log) { account("Ripped with compression offset", setScore: 0) }
        let xldRange = Pattern(#"\n(All Tracks\n(?: *))(Filename)"#).isFound(in: log)
        // The logchecker's `All Tracks(\s*\n)` is `[ \t]*\n` here: the same for XLD's layout, and linear where `\s*\n` then `\s*` over a long blank run was not.
        if !Pattern(#"All Tracks([ \t]*\n)((?:.*)\n)?(\s*Album gain\s+:) (.*)?\n(\s*Peak\s+:) (.*)?"#).isFound(in: log), isXLD {
            account("Could not verify album gain")
        }
        let eacRange = Pattern(#"\n( *Selected range)"#).isFound(in: log) || Pattern(#"\n( *Range status and errors)"#).isFound(in: log)
        if eacRange || xldRange {
            isRange = true
            account("Range rip detected", points: 30)
        }
    }

    /// Drives the logchecker takes for virtual ones.
    static let virtualDrives = ["Generic DVD-ROM", "Generic DVD-ROM SCSI CdRom Device"]

    private mutating func checkOffset(_ offset: Int) {
        if driveFound {
            if !offsets.contains(offset) {
                account("Incorrect read offset for drive. Correct offsets are: \(offsets.map(String.init).joined(separator: ", ")) (Checked against the following drive(s): \(drives.joined(separator: ", ")))", points: 5)
            }
        } else if offset == 0 {
            account("The drive was not found in the database, so we cannot determine the correct read offset. However, the read offset in this case was 0, which is almost never correct. As such, we are assuming that the offset is incorrect", points: 5)
        }
    }

    // MARK: The tracks

    /// Lines with which EAC and XLD end the track listing.
    private static let listingEnds = [
        "None of the tracks are present in the AccurateRip database", "No errors occurred", "All tracks accurately ripped",
        "No tracks could be verified as accurate", "track(s) not present in the AccurateRip database", "End of status report", "There were errors",
    ]
    private static let accurateRipSummaryLines = [
        Pattern(#"(Track +\d+ +.*?accurately ripped\.? *)(\(confidence +)(\d+)\)(.*)\n"#),
        Pattern(#"(Track +\d+ +.*?in database *)\n"#),
        Pattern(#"(Track +\d+ +.*?(could not|cannot) be verified as accurate.*)\n"#),
    ]
    /// The logchecker's `List of suspicious positions +: *\n?( *.* +\d{2}:\d{2}:\d{2} *\n)+` needs one such line, and ` *.* +` is `.* ` there;
    /// written so, a long line costs its length, not its cube.
    private static let suspiciousPositionList = Pattern(#"List of suspicious positions +: *\n?[^\n]* \d{2}:\d{2}:\d{2} *\n"#)

    /// The logchecker's `Filename ((.+)?\.(wav|flac|ape))\n` with `.` across lines: some "Filename " with ".wav", ".flac" or ".ape"
    /// and a newline anywhere after it. Searched directly: the expression took time quadratic in the "Filename " lines.
    static func namesAudioFile(_ body: String) -> Bool {
        guard let name = body.range(of: "Filename ", options: .caseInsensitive) else { return false }
        let rest = body[name.upperBound...]
        return [".wav\n", ".flac\n", ".ape\n"].contains { rest.range(of: $0, options: .caseInsensitive) != nil }
    }

    /// The logchecker's `[ \t]+ [a-z]`, which holds exactly where `[ \t] [a-z]` does (and costs a line's length, not its square).
    private static let indentedText = Pattern(#"[ \t] [a-z]"#)

    /// Scores each track of one rip; returns how many it has.
    private mutating func checkTracks(_ log: String, isEAC: Bool, isXLD: Bool) -> Int {
        let listingStart = !isRange || isXLD ? Pattern(#"\nTrack( +)([0-9]{1,3})([\s\S]+)"#) : Pattern(#"\n( *)Filename +(.*)([\s\S]+)"#)
        let trackSplit = !isRange || isXLD ? Pattern(#"\nTrack( +)([0-9]{1,3})"#) : Pattern(#"\n( *)Filename +(.*)"#)
        // EAC's AccurateRip summary lines also start with "Track N"; the logchecker has marked them up by now, so they start no track.
        var log = log
        for summary in Self.accurateRipSummaryLines { log = summary.replacing(in: log, with: "\u{1}$0") }
        guard let match = listingStart.first(in: log) else { return 0 }
        var lines = match[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Cut what follows the last track: from the end, up to an indented line, or before a line that closes the listing.
        var keep = lines.count - 1
        scan: while keep >= 0 {
            for end in Self.listingEnds where lines[keep].hasSuffix(end) {
                keep -= 1
                break scan
            }
            if Self.indentedText.isFound(in: lines[keep]) { break }
            keep -= 1
        }
        lines = Array(lines.prefix(max(0, keep + 1)))
        let listing = lines.joined(separator: "\n")
        let tracks = trackSplit.split(listing).pieces
        for track in tracks {
            let number = track.groups[2]
            checkTrack(number: number, body: track.body, isEAC: isEAC, isXLD: isXLD)
        }
        return tracks.count
    }

    private mutating func checkTrack(number: String, body: String, isEAC: Bool, isXLD: Bool) {
        var points = 0
        var messages: [String] = []
        let label = "Track " + ((Int(number) ?? 0) < 10 ? "0\(Int(number) ?? 0)" : number) + (combined != nil ? " (\(currentLog))" : "") + ": "
        func note(_ message: String, _ cost: Int = 0) {
            points += cost
            messages.append(label + message + (cost > 0 ? " (-\(cost) point\(cost == 1 ? "" : "s"))" : ""))
        }
        if !Self.namesAudioFile(body), !isRange {
            // EAC cuts names past 243 characters; such a track is taken as fine.
            if isEAC, let name = Pattern(#"Filename (.+)\n"#).first(in: body)?[1], name.utf8.count >= 243 {
                note("Could not verify filename, too long")
            } else {
                note("Could not verify filename or file extension", 1)
            }
        }
        // The logchecker's leading `( *)` changes nothing about whether it is found, and made a long run of spaces quadratic.
        if Pattern(#"File write error\n"#).isFound(in: body) { note("File write error", 20) }
        // XLD's per-track statistics: errors cost their count, at most 10 each.
        let statistics: [(pattern: String, singular: String, plural: String, verify: String, secureOnly: Bool?)] = [
            (#"(Read error)( +:) (\d+)"#, "Read error detected", "Read errors detected", "Could not verify read errors", nil),
            (#"(Skipped \(treated as error\))( +:) (\d+)"#, "Skipped error detected", "Skipped errors detected", "Could not verify skipped errors", false),
            (#"(Edge jitter error \(maybe fixed\))( +:) (\d+)"#, "", "", "Could not verify edge jitter errors", false),
            (#"(Atom jitter error \(maybe fixed\))( +:) (\d+)"#, "", "", "Could not verify atom jitter errors", false),
            (#"(?<!Edge )(?<!Atom )(Jitter error \(maybe fixed\))( +:) (\d+)"#, "", "", "Could not verify jitter errors", true),
            (#"(Retry sector count)( +:) (\d+)"#, "", "", "Could not verify retry sector count", true),
            (#"(Damaged sector count)( +:) (\d+)"#, "Damaged sector count of ", "Damaged sector count of ", "Could not verify damaged sector count", true),
            (#"(Drift error \(maybe fixed\))( +:) (\d+)"#, "", "", "Could not verify drift errors", false),
            (#"(Dropped bytes error \(maybe fixed\))( +:) (\d+)"#, "", "", "Could not verify dropped bytes errors", false),
            (#"(Duplicated bytes error \(maybe fixed\))( +:) (\d+)"#, "", "", "Could not verify duplicated bytes errors", false),
            (#"(Inconsistency in error sectors)( +:) (\d+)"#, "Inconsistency in error sectors detected", "Inconsistencies in error sectors detected", "Could not verify inconsistent error sectors", false),
        ]
        for statistic in statistics {
            let found = Pattern(statistic.pattern).matches(in: body)
            for match in found where !statistic.singular.isEmpty {
                let count = Int(match[3]) ?? 0
                guard count != 0 else { continue }
                let message = statistic.singular.hasSuffix(" of ") ? statistic.singular + match[3] : (count == 1 ? statistic.singular : statistic.plural)
                note(message, min(count, 10))
            }
            let applies = statistic.secureOnly.map { $0 == xldSecureRipper } ?? true
            if found.isEmpty, isXLD, applies { note(statistic.verify) }
        }
        if Self.suspiciousPositionList.isFound(in: body) { note("Suspicious position(s) found", 20) }
        if Pattern(#"Suspicious position( +)([0-9]:[0-9]{2}:[0-9]{2})"#).isFound(in: body) { note("Suspicious position(s) found", 20) }
        if Pattern(#"Timing problem( +)([0-9]:[0-9]{2}:[0-9]{2})"#).isFound(in: body) { note("Timing problem(s) found", 20) }
        if Pattern("Missing samples").isFound(in: body) { note("Missing sample(s) found", 20) }
        let aborted = Pattern("Copy aborted").isFound(in: body)
        if aborted { note("Copy aborted", 100) }
        let eacTestCopy = Pattern(#"Test CRC ([0-9A-F]{8})\n(\s*)Copy CRC ([0-9A-F]{8})"#).matches(in: body).map { ($0[1], $0[3]) }
        let xldTestCopy = Pattern(#"CRC32 hash \(test run\)(\s*:) ([0-9A-F]{8})\n(\s*)CRC32 hash(\s+:) ([0-9A-F]{8})"#).matches(in: body).map { ($0[2], $0[5]) }
        for (test, copy) in (ripper == .eac ? eacTestCopy : []) + (ripper == .xld ? xldTestCopy : []) where test != copy {
            note("CRC mismatch: \(test) and \(copy)", 30)
            if !secureMode {
                points += 20
                let how = ripper == .eac ? "done in Secure mode" : "done with Secure Ripper / in CDParanoia mode"
                messages.append("Rip " + (combined.map { _ in " (\(currentLog)) " } ?? "") + "was not \(how), and experienced CRC mismatches (-20 points)")
                secureMode = true
            }
        }
        if eacTestCopy.isEmpty, xldTestCopy.isEmpty, !aborted {
            account("Test and copy was not used", points: 10)
            if !secureMode {
                let message = ripper == .eac
                    ? "Rip was not done in Secure mode, and T+C was not used - as a result, we cannot verify the authenticity of the rip (-40 points)"
                    : "Rip was not done with Secure Ripper / in CDParanoia mode, and T+C was not used - as a result, we cannot verify the authenticity of the rip (-40 points)"
                if !report.details.contains(message) {
                    report.rawScore -= 40
                    report.details.append(message)
                }
            }
        }
        if trackOutcome[number] == nil { trackOrder.append(number) }
        trackOutcome[number] = (points, messages)
        if let crc = Pattern(#"Copy CRC ([0-9A-F]{8})"#).matches(in: body).last?[1] ?? Pattern(#"CRC32 hash(\s*:) ([0-9A-F]{8})"#).matches(in: body).last?[2] {
            trackCRCs[number] = crc.uppercased()
        }
    }

    // MARK: Accounting (OPSnet/Logchecker src/Logchecker.php account)

    /// Adds a line to the details unless the same line is there already; only then it costs its points.
    private mutating func account(_ message: String, points: Int = 0, setScore: Int? = nil, perLog: Bool = false, notice: Bool = false) {
        let cost = setScore.map { 100 - $0 } ?? points
        let line = (notice ? "[Notice] " : "") + message + (perLog && combined != nil ? " (\(currentLog))" : "")
            + (cost > 0 ? " (-\(cost) point\(cost == 1 ? "" : "s"))" : "")
        guard !report.details.contains(line) else { return }
        report.details.append(line)
        if let setScore { report.rawScore = setScore } else { report.rawScore -= points }
    }

    // MARK: Versions

    /// PHP's version_compare for the forms rippers write ("0.99", "1.0", "20121222"): numeric parts compared in order.
    static func compareVersions(_ left: String, _ right: String) -> Int {
        let parts = { (text: String) in text.split(whereSeparator: { !$0.isNumber }).map { Int($0) ?? 0 } }
        let (a, b) = (parts(left), parts(right))
        for index in 0..<max(a.count, b.count) {
            let (x, y) = (index < a.count ? a[index] : 0, index < b.count ? b[index] : 0)
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// PHP 8's `$version <= 0.95`: numerically for a numeric string, else the number is compared as a string.
    static func phpLessOrEqual(_ version: String, _ number: Double) -> Bool {
        if let value = Double(version.trimmingCharacters(in: .whitespaces)) { return value <= number }
        return version <= String(number)
    }
}
