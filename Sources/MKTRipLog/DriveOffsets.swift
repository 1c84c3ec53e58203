import Foundation

/// AccurateRip's table of drives and their read offsets (`DriveOffsetTable`,
/// generated from OPSnet/Logchecker src/resources/drives.json), and the
/// logchecker's way of turning what a drive calls itself into a name of that
/// table (OPSnet/Logchecker src/Logchecker.php getDrives; it matches exactly).
enum DriveOffsets {
    private static let table: [String: [(name: String, offset: Int)]] = {
        var table: [String: [(name: String, offset: Int)]] = [:]
        for row in DriveOffsetTable.rows.split(separator: "\n") {
            let fields = row.split(separator: "\t")
            guard fields.count == 2, let offset = Int(fields[1]) else { continue }
            table[String(fields[0]), default: []].append((String(fields[0]), offset))
        }
        return table
    }()

    /// The drives of the table the name stands for, and their offsets (empty: not in the table).
    static func lookUp(_ reported: String) -> (drives: [String], offsets: [Int]) {
        let entries = table[normalise(reported)] ?? []
        return (entries.map(\.name), entries.map(\.offset))
    }

    static func normalise(_ reported: String) -> String {
        var name = reported.replacingOccurrences(of: "JLMS", with: "Lite-ON")
        name = Pattern(#"TSSTcorp(BD|CD|DVD)"#, caseInsensitive: false).replacing(in: name, with: "TSSTcorp $1")
        name = Pattern(#"HL-DT-ST(BD|CD|DVD)"#, caseInsensitive: false).replacing(in: name, with: "HL-DT-ST $1")
        name = name.replacingOccurrences(of: "HL-DT-ST", with: "LG Electronics")
        name = name.replacingOccurrences(of: "Matshita", with: "Panasonic").replacingOccurrences(of: "MATSHITA", with: "Panasonic")
        name = Pattern(#"Panasonic(BD|CD|DVD)"#, caseInsensitive: false).replacing(in: name, with: "Panasonic $1")
        name = Pattern(#"^[ _-]+"#, caseInsensitive: false).replacing(in: name, with: "")
        name = Pattern(#"\s+-\s"#, caseInsensitive: false).replacing(in: name, with: " ")
        name = Pattern(#"\s+"#, caseInsensitive: false).replacing(in: name, with: " ")
        name = Pattern(#"\(revision [a-zA-Z0-9\.\,\-]*\)"#, caseInsensitive: false).replacing(in: name, with: "")
        name = Pattern(#" Adapter.*$"#, caseInsensitive: false).replacing(in: name, with: "")
        return name.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
