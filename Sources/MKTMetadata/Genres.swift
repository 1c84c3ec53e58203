import Foundation

/// Genre tags the way Gazelle stores them: `hip.hop`, `drum.and.bass`.
public enum Genres {
    /// Gazelle's normal form: lower case, spaces and dashes to dots, only
    /// a-z, 0-9 and dots, no leading, trailing or doubled dots.
    public static func gazelleForm(_ text: String) -> String {
        let lowered = text.lowercased().map { $0 == " " || $0 == "-" ? "." : $0 }
        let kept = String(lowered).unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." }
        return String(String.UnicodeScalarView(kept)).split(separator: ".").joined(separator: ".")
    }

    /// Genre strings from tags or a web source → tracker tags: NFKC, `&`/`+`/` n ` to "and",
    /// split on `/ ; , \`, aliases resolved, Gazelle's form, duplicates dropped, order kept.
    public static func tags(from genres: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for genre in genres {
            let text = genre.precomposedStringWithCompatibilityMapping
                .replacingOccurrences(of: "&", with: " and ").replacingOccurrences(of: "+", with: " and ")
                .replacingOccurrences(of: " n ", with: " and ")
            for part in text.split(whereSeparator: { "/;,\\".contains($0) }) {
                let tag = gazelleForm(String(part))
                let resolved = aliases[tag.replacingOccurrences(of: ".", with: "")] ?? tag
                guard !resolved.isEmpty, seen.insert(resolved).inserted else { continue }
                out.append(resolved)
            }
        }
        return out
    }

    /// Spellings seen in tags and web sources, keyed without dots, to the official tag.
    static let aliases: [String: String] = [
        "hiphop": "hip.hop", "rap": "hip.hop", "rnb": "rhythm.and.blues", "randb": "rhythm.and.blues",
        "rhythmandblues": "rhythm.and.blues", "dnb": "drum.and.bass", "drumnbass": "drum.and.bass", "drumandbass": "drum.and.bass",
        "electronica": "electronic", "electronicmusic": "electronic", "synthpop": "synth.pop", "postrock": "post.rock",
        "postpunk": "post.punk", "triphop": "trip.hop", "lofi": "lo.fi", "singersongwriter": "singer.songwriter",
        "worldmusic": "world.music", "world": "world.music", "stageandscreen": "soundtrack", "score": "soundtrack",
        "ost": "soundtrack", "funksoul": "funk", "avantgarde": "avant.garde", "newage": "new.age", "newwave": "new.wave",
    ]

    /// The official genre tags (OPS's seed list), which trackers prefer over free tags.
    public static let official: Set<String> = [
        "acoustic", "alternative", "alternative.rock", "ambient", "americana", "avant.garde", "blues", "blues.rock", "breakbeat",
        "breaks", "classic.rock", "classical", "country", "dance", "dark.ambient", "deep.house", "disco", "doom.metal",
        "drum.and.bass", "electro", "electronic", "experimental", "folk", "folk.rock", "free.jazz", "funk", "garage.rock",
        "hard.rock", "hardcore", "hip.hop", "house", "idm", "indie", "indie.pop", "indie.rock", "industrial", "instrumental",
        "jam.band", "jazz", "lo.fi", "metal", "minimal", "new.age", "new.wave", "noise", "pop", "pop.rock", "post.punk",
        "post.rock", "progressive.house", "progressive.rock", "psychedelic", "punk", "punk.rock", "reggae", "rhythm.and.blues",
        "rock", "rock.and.roll", "shoegaze", "singer.songwriter", "soul", "soundtrack", "stoner.rock", "synth.pop", "tech.house",
        "techno", "trance", "trip.hop", "video.game", "world.music",
    ]
}
