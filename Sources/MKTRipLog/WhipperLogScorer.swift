/// Scores whipper's logs by OPSnet/Logchecker src/Logchecker.php whipperParse:
/// whipper 0.7.3 or later, no virtual drive, the drive's read offset, the
/// audio cache defeated, and each track's test and copy CRCs equal. whipper
/// writes YAML; mkt reads the few keys it needs by indentation.
enum WhipperLogScorer {
    static func score(_ original: String) -> RipLogReport {
        let text = original.replacingOccurrences(of: "\r\n", with: "\n")
        var report = RipLogReport()
        report.ripper = .whipper
        func account(_ message: String, points: Int) {
            let line = message + (points > 0 ? " (-\(points) point\(points == 1 ? "" : "s"))" : "")
            guard !report.details.contains(line) else { return }
            report.details.append(line)
            report.rawScore -= points
        }
        if let match = Pattern(#"whipper ([0-9]+\.[0-9]+\.[0-9])"#, caseInsensitive: false).first(in: text),
            LegacyLogScorer.compareVersions("0.7.3", match[1]) == 1 {
            account("Logs must be produced by whipper 0.7.3+.", points: 100)
            return report
        }
        let yaml = YAMLOutline(text)
        report.version = yaml.value("Log created by").flatMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
        // Releases before 0.7.3 wrote track numbers that YAML reads as octal, losing tracks.
        guard let version = report.version, LegacyLogScorer.compareVersions("0.7.3", version) != 1 else {
            account("Logs must be produced by whipper 0.7.3+", points: 100)
            return report
        }
        report.checksum = (yaml.value("SHA-256 hash") ?? "").isEmpty ? .missing : WhipperChecksum.verdict(original)
        let phase = "Ripping phase information"
        let drive = yaml.value(phase, "Drive") ?? ""
        let offset = Int(yaml.value(phase, "Read offset correction") ?? "") ?? 0
        if LegacyLogScorer.virtualDrives.contains(drive.trimmingCharacters(in: .whitespaces)) {
            account("Virtual drive used: \(drive)", points: 20)
        } else {
            let found = DriveOffsets.lookUp(drive)
            if !found.drives.isEmpty, !found.offsets.contains(offset) {
                account("Incorrect read offset for drive. Correct offsets are: \(found.offsets.map(String.init).joined(separator: ", ")) (Checked against the following drive(s): \(found.drives.joined(separator: ", ")))", points: 5)
            }
            // The logchecker's not-in-database check compares YAML's integer with the string "0", which never holds; so no deduction here either.
        }
        let defeat = (yaml.value(phase, "Defeat audio cache") ?? "").lowercased()
        if defeat != "yes", defeat != "true" { account(#""Defeat audio cache" should be Yes/true"#, points: 10) }
        for (number, fields) in yaml.children(of: "Tracks") {
            let test = fields["Test CRC"] ?? ""
            let copy = fields["Copy CRC"] ?? ""
            if test != copy { account("CRC mismatch: \(test) and \(copy)", points: 30) }
            if let value = Int(number), !copy.isEmpty { report.tracks.append(LoggedTrack(number: value, copyCRC: copy.uppercased())) }
        }
        return report
    }
}

/// The keys of a YAML document by indentation, enough for whipper's logs: `key: value` lines, nested by two spaces.
struct YAMLOutline {
    private var entries: [(path: [String], value: String)] = []

    init(_ text: String) {
        var stack: [(indent: Int, key: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let indent = line.prefix(while: { $0 == " " }).count
            let content = line.dropFirst(indent)
            guard let colon = content.range(of: ":") else { continue }
            let key = String(content[..<colon.lowerBound]).trimmingCharacters(in: .whitespaces)
            var value = String(content[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote { value = String(value.dropFirst().dropLast()) }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            stack.append((indent, key))
            entries.append((stack.map(\.key), value))
        }
    }

    func value(_ path: String...) -> String? { entries.first { $0.path == path }?.value }

    /// The direct children of a key with their own `key: value` fields, in order.
    func children(of parent: String) -> [(key: String, fields: [String: String])] {
        var result: [(key: String, fields: [String: String])] = []
        for entry in entries where entry.path.first == parent {
            if entry.path.count == 2 {
                result.append((entry.path[1], [:]))
            } else if entry.path.count == 3, !result.isEmpty {
                result[result.count - 1].fields[entry.path[2]] = entry.value
            }
        }
        return result
    }
}
