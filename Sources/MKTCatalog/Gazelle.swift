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

extension FamilyDefaults {
    static let red = FamilyDefaults(
        pathLimit: 180, rateLimit: RateLimiter.Limit(requests: 10, window: .seconds(10)), releaseTypes: .red,
        mediaNames: ["BD": "Blu-Ray"], allowedExtensions: ReleaseRules.redExtensions)

    static let ops = FamilyDefaults(
        pathLimit: 255, rateLimit: RateLimiter.Limit(requests: 5, window: .seconds(10)), releaseTypes: .gazelle,
        mediaNames: ["Blu-Ray": "BD"], allowedExtensions: ReleaseRules.opsExtensions)

    /// DIC's code is closed: its numbering and path limit are what smoked-salmon, the uploader used on it, sends and checks.
    static let dic = FamilyDefaults(
        pathLimit: 180, rateLimit: RateLimiter.Limit(requests: 5, window: .seconds(10)), releaseTypes: .red,
        mediaNames: ["Blu-Ray": "BD"], allowedExtensions: ReleaseRules.opsExtensions)
}
