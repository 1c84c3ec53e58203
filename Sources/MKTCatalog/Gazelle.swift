import MKTHTTP
import MKTMetadata

// The Gazelle families' facts. RED and DIC run closed forks of WhatCD's
// Gazelle; OPS runs OPSnet/Gazelle. Documentation/trackers.md says what
// each value rests on.

extension ReleaseTypeTable {
    /// The numbering WhatCD/Gazelle started and OPS kept.
    static let gazelle = ReleaseTypeTable([
        .album: 1, .soundtrack: 3, .ep: 5, .anthology: 6, .compilation: 7, .sampler: 8, .single: 9, .demo: 10, .liveAlbum: 11,
        .split: 12, .remix: 13, .bootleg: 14, .interview: 15, .mixtape: 16, .djMix: 17, .concertRecording: 18, .unknown: 21,
    ])

    /// RED renumbered Demo and DJ Mix and has no Sampler or Split.
    static let red = ReleaseTypeTable(gazelle.ids.filter { $0.key != .sampler && $0.key != .split }.merging([.demo: 17, .djMix: 19]) { $1 })
}

extension ReleaseRules {
    /// OPS's FileChecker list for Music and Audiobooks.
    static let opsExtensions: Set<String> = [
        "ac3", "accurip", "azw3", "chm", "cue", "djv", "djvu", "doc", "docx", "dts", "epub", "ffp", "flac", "gif", "htm", "html",
        "jpeg", "jpg", "json", "lit", "lrc", "log", "m3u", "m3u8", "m4a", "m4b", "md5", "mobi", "mp3", "mp4", "nfo", "pdf", "pls",
        "png", "rtf", "sfv", "txt", "toc", "yaml", "yml",
    ]
    /// RED's narrower list, as smoked-salmon enforces it.
    static let redExtensions: Set<String> = [
        "ac3", "accurip", "chm", "cue", "dts", "flac", "gif", "htm", "html", "jpeg", "jpg", "log", "m3u", "m3u8", "m4a", "m4b",
        "md5", "mp3", "nfo", "pdf", "png", "rtf", "sfv", "txt",
    ]
}

extension ReleaseRules.Vocabulary {
    /// OPS's upload form: `FORMAT`, `ENCODING` and `MEDIA` in OPSnet/Gazelle's lib/config.php.
    static let ops = ReleaseRules.Vocabulary(
        formats: ["MP3", "FLAC", "Ogg Vorbis", "AAC", "AC3", "DTS"],
        encodings: ["Lossless", "24bit Lossless", "V0 (VBR)", "V1 (VBR)", "V2 (VBR)", "320", "256", "192", "160", "128", "96", "64",
                    "APS (VBR)", "APX (VBR)", "q8.x (VBR)", "Other"],
        media: ["CD", "WEB", "Vinyl", "DVD", "BD", "Soundboard", "SACD", "DAT", "Cassette"])

    /// RED's, as the uploaders that work there send it (gazelle_api's format
    /// and quality lists): DSD, no Ogg Vorbis, and no CBR under 192.
    static let red = ReleaseRules.Vocabulary(
        formats: ["MP3", "FLAC", "AAC", "AC3", "DTS", "DSD"],
        encodings: ["Lossless", "24bit Lossless", "V0 (VBR)", "V1 (VBR)", "V2 (VBR)", "320", "256", "192", "APS (VBR)", "APX (VBR)",
                    "DSD64", "DSD128", "DSD256", "DSD512", "Other"],
        media: ["CD", "DVD", "Vinyl", "Soundboard", "SACD", "DAT", "Cassette", "WEB", "Blu-Ray"])

    /// DIC's is not published: WhatCD/Gazelle's `$Formats` and `$Bitrates` (its ancestor), with OPS's media.
    static let dic = ReleaseRules.Vocabulary(
        formats: ["MP3", "FLAC", "Ogg Vorbis", "AAC", "AC3", "DTS"],
        encodings: ["192", "APS (VBR)", "V2 (VBR)", "V1 (VBR)", "256", "APX (VBR)", "V0 (VBR)", "q8.x (VBR)", "320", "Lossless", "24bit Lossless", "Other"],
        media: ["CD", "WEB", "Vinyl", "DVD", "BD", "Soundboard", "SACD", "DAT", "Cassette"])
}

extension FamilyDefaults {
    /// RED and OPS score logs with the logchecker (OPSnet/Logchecker); a CD
    /// rip's score is its lowest log's (OPSnet/Gazelle app/LogfileSummary.php).
    /// They take any score, but only 100 is a "100% log" (app/Search/Torrent.php's
    /// filter), and a lower one leaves the rip open to be replaced by a better one.
    static let perfectLogScore = 100

    static let red = FamilyDefaults(
        pathLimit: 180, rateLimit: RateLimiter.Limit(requests: 10, window: .seconds(10)), releaseTypes: .red,
        mediaNames: ["BD": "Blu-Ray"], allowedExtensions: ReleaseRules.redExtensions, vocabulary: .red,
        logScoreThreshold: perfectLogScore)

    static let ops = FamilyDefaults(
        pathLimit: 255, rateLimit: RateLimiter.Limit(requests: 5, window: .seconds(10)), releaseTypes: .gazelle,
        mediaNames: ["Blu-Ray": "BD"], allowedExtensions: ReleaseRules.opsExtensions, vocabulary: .ops,
        logScoreThreshold: perfectLogScore)

    /// DIC's code is closed: its numbering and path limit are what smoked-salmon, the uploader used on it, sends and checks.
    static let dic = FamilyDefaults(
        pathLimit: 180, rateLimit: RateLimiter.Limit(requests: 5, window: .seconds(10)), releaseTypes: .red,
        mediaNames: ["Blu-Ray": "BD"], allowedExtensions: ReleaseRules.opsExtensions, vocabulary: .dic)
}
