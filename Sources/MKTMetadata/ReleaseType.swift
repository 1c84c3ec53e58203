import Foundation

/// Gazelle release types; each site's numbers for them are in its catalog entry.
public enum ReleaseType: String, CaseIterable, Codable, Sendable {
    case album = "Album", soundtrack = "Soundtrack", ep = "EP", anthology = "Anthology", compilation = "Compilation"
    case sampler = "Sampler", single = "Single", demo = "Demo", liveAlbum = "Live album", split = "Split", remix = "Remix"
    case bootleg = "Bootleg", interview = "Interview", mixtape = "Mixtape", djMix = "DJ Mix", concertRecording = "Concert Recording"
    case unknown = "Unknown"

    /// A suggestion from the release alone, for the user to confirm: an explicit
    /// word in the title first, then the track list's shape.
    public static func suggest(title: String, trackTitles: [String], mainArtists: Set<String>, compilation: Bool) -> ReleaseType {
        let lowered = title.lowercased()
        if lowered.range(of: #"\b(e\.?p\.?)\b"#, options: .regularExpression) != nil { return .ep }
        if lowered.hasSuffix("- single") { return .single }
        if lowered.contains("soundtrack") || lowered.contains("o.s.t") { return .soundtrack }
        if lowered.range(of: #"\blive\b"#, options: .regularExpression) != nil { return .liveAlbum }
        if compilation || mainArtists.count >= 6 { return .compilation }
        let remixes = trackTitles.filter { $0.lowercased().range(of: #"\b(re)?mix\b"#, options: .regularExpression) != nil }
        if !trackTitles.isEmpty && remixes.count * 2 >= trackTitles.count { return .remix }
        let baseTitles = Set(trackTitles.map { $0.replacingOccurrences(of: #"\s*[(\[].*?[)\]]"#, with: "", options: .regularExpression).lowercased() })
        if trackTitles.count <= 3 || baseTitles.count <= 2 { return .single }
        if trackTitles.count <= 7 { return .ep }
        return .album
    }
}
