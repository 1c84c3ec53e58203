/// One thing a tracker would refuse (error) or frown at (warning).
public struct Finding: Equatable, Sendable {
    public enum Severity: String, Sendable { case error, warning }

    public let severity: Severity
    /// A stable name for scripts: `path-too-long`, `missing-log`, …
    public let code: String
    /// The file concerned, relative to the release folder; empty for the release as a whole.
    public let path: String
    public let message: String

    public init(severity: Severity, code: String, path: String, message: String) {
        self.severity = severity
        self.code = code
        self.path = path
        self.message = message
    }
}

/// A tracker's rules for the files of a music release (each site's are in its catalog entry).
public struct ReleaseRules: Sendable {
    public var tracker: String
    /// Longest `folder/…/file` in characters (Unicode scalars).
    public var pathLimit: Int
    public var allowedExtensions: Set<String>
    /// The upload form's words, as the site spells them (empty: the site has no such field).
    public var vocabulary: Vocabulary
    /// The site refuses a torrent with a name UNIT3D's `TorrentTools::isValidFilename` rejects.
    public var checksUNIT3DNames: Bool

    /// A site form's lists: the formats, the encodings (the `bitrate` field) and
    /// the media it offers; `media` also holds mkt's other spelling of a medium
    /// the site names its own way (BD for RED's Blu-Ray).
    public struct Vocabulary: Sendable, Equatable {
        public var formats: [String]
        public var encodings: [String]
        public var media: [String]

        public init(formats: [String], encodings: [String], media: [String]) {
            self.formats = formats
            self.encodings = encodings
            self.media = media
        }
    }

    /// Gazelle's forbidden characters in file and folder names.
    public static let forbiddenCharacters: Set<Character> = [":", "?", "<", ">", "\\", "*", "|", "\""]
    static let archives: Set<String> = ["zip", "rar", "7z", "tar", "gz", "bz2", "xz", "tgz"]
    static let audio: Set<String> = ["flac", "mp3", "m4a", "m4b", "ogg", "opus", "ac3", "dts"]

    /// True for the audio files mkt reads (by extension; the readers then go by content).
    public static func isAudio(_ path: String) -> Bool {
        ["flac", "mp3", "m4a", "m4b", "ogg", "opus"].contains(ReleaseCheck.fileExtension(path))
    }

    public init(tracker: String, pathLimit: Int, allowedExtensions: Set<String>, vocabulary: Vocabulary, checksUNIT3DNames: Bool = false) {
        self.tracker = tracker
        self.pathLimit = pathLimit
        self.allowedExtensions = allowedExtensions
        self.vocabulary = vocabulary
        self.checksUNIT3DNames = checksUNIT3DNames
    }
}

public enum ReleaseCheck {
    /// Checks a release against `rules`: its files, the facts of its audio
    /// files (by relative path), and `description`, what the upload form will
    /// say. For a stored release that is its meta snapshot, edits included:
    /// what is checked is what is sent, never a fresh reading of the tags.
    public static func check(
        name: String, files: [String], facts: FileMap<AudioFacts>, description: ReleaseDescription, rules: ReleaseRules
    ) -> [Finding] {
        var findings: [Finding] = []
        let site = rules.tracker.uppercased()
        for component in [name] + Set(files.flatMap { $0.split(separator: "/").dropLast().map(String.init) }).sorted() {
            if let bad = component.first(where: { ReleaseRules.forbiddenCharacters.contains($0) }) {
                findings.append(Finding(severity: .error, code: "forbidden-character", path: component, message: "the folder name contains '\(bad)', which \(site) forbids"))
            }
        }
        for path in files {
            let full = "\(name)/\(path)"
            let length = full.unicodeScalars.count
            if length > rules.pathLimit {
                findings.append(Finding(severity: .error, code: "path-too-long", path: path, message: "\(full) is \(length) characters; \(site) allows \(rules.pathLimit)"))
            }
            let fileName = String(path.split(separator: "/").last ?? "")
            if let bad = fileName.first(where: { ReleaseRules.forbiddenCharacters.contains($0) }) {
                findings.append(Finding(severity: .error, code: "forbidden-character", path: path, message: "the name contains '\(bad)', which \(site) forbids"))
            }
            let ext = fileExtension(path)
            if ReleaseRules.archives.contains(ext) {
                findings.append(Finding(severity: .error, code: "nested-archive", path: path, message: "an archive inside the release; unpack it or leave it out"))
            } else if ext == "torrent" {
                findings.append(Finding(severity: .error, code: "nested-torrent", path: path, message: "a .torrent inside the release"))
            } else if !rules.allowedExtensions.contains(ext) {
                findings.append(Finding(severity: .error, code: "extension", path: path, message: "\(ext.isEmpty ? "files without an extension are" : ".\(ext) files are") not allowed at \(site)"))
            }
        }
        if rules.checksUNIT3DNames {
            // UNIT3D checks every component of the files' paths, not the torrent's own name.
            for component in Set(files.flatMap { $0.split(separator: "/").map(String.init) }).sorted() {
                if let problem = unit3dNameProblem(component) {
                    findings.append(Finding(severity: .error, code: "unit3d-filename", path: component, message: "\(problem), and \(site) refuses the torrent (\"Invalid Filenames In Torrent Files!\")"))
                }
            }
        }
        let audio = checkAudio(files: files, facts: facts, description: description)
        findings += audio
        // Without audio, what the form would say matters no more.
        if !audio.contains(where: { $0.code == "no-audio" }) {
            findings += checkDescription(description, site: site, vocabulary: rules.vocabulary)
        }
        return findings
    }

    /// What the upload form needs filled, and combinations it refuses.
    private static func checkDescription(_ description: ReleaseDescription, site: String, vocabulary: ReleaseRules.Vocabulary) -> [Finding] {
        var findings: [Finding] = []
        func missing(_ field: String, _ what: String, example: String) {
            findings.append(Finding(severity: .error, code: "missing-\(field)", path: "", message: "no \(what) (the tags and the folder name give none): --meta \(example)"))
        }
        if description.artists.isEmpty { missing("artist", "artist", example: "artists=NAME") }
        if description.title == nil { missing("title", "album title", example: "title=TITLE") }
        if description.year == nil { missing("year", "year", example: "year=YYYY") }
        if description.tags.isEmpty {
            findings.append(Finding(severity: .error, code: "missing-tags", path: "", message: "no genre tags: \(site) needs at least one (--meta tags=rock,indie)"))
        }
        if description.releaseTypeIsGuess {
            let type = description.releaseType.rawValue
            findings.append(Finding(severity: .error, code: "guessed-release-type", path: "", message:
                "the release type \(type) is mkt's guess, not the tags' word: confirm it (--meta release-type=\(type)) or give the right one"))
        }
        for tag in description.tags where !Genres.official.contains(tag) {
            findings.append(Finding(severity: .warning, code: "unofficial-tag", path: "", message: "'\(tag)' is not one of the official genre tags"))
        }
        if let year = description.year, let problem = Years.problem(year: year, media: description.media) {
            findings.append(Finding(severity: .error, code: "year", path: "", message: problem))
        }
        findings += vocabularyFindings(description, site: site, vocabulary: vocabulary)
        return findings
    }

    /// A format, encoding or medium the site's form does not offer.
    public static func vocabularyFindings(_ description: ReleaseDescription, site: String, vocabulary: ReleaseRules.Vocabulary) -> [Finding] {
        var findings: [Finding] = []
        func offered(_ value: String, _ list: [String], caseless: Bool = false) -> Bool {
            list.isEmpty || list.contains { caseless ? $0.uppercased() == value.uppercased() : $0 == value }
        }
        if let format = description.format, !offered(format, vocabulary.formats) {
            findings.append(Finding(severity: .error, code: "format", path: "", message: "\(format) is not a format \(site) takes for music (\(vocabulary.formats.joined(separator: ", ")))"))
        }
        if let encoding = description.encoding, !offered(encoding, vocabulary.encodings) {
            findings.append(Finding(severity: .error, code: "encoding", path: "", message: "'\(encoding)' is not an encoding \(site) takes (\(vocabulary.encodings.joined(separator: ", ")))"))
        }
        if let media = description.media, !offered(media, vocabulary.media, caseless: true) {
            findings.append(Finding(severity: .error, code: "media", path: "", message: "'\(media)' is not a media \(site) offers (\(vocabulary.media.joined(separator: ", ")))"))
        }
        return findings
    }

    private static func checkAudio(files: [String], facts: FileMap<AudioFacts>, description: ReleaseDescription) -> [Finding] {
        let audioFiles = files.filter { ReleaseRules.audio.contains(fileExtension($0)) }
        guard !audioFiles.isEmpty else {
            return [Finding(severity: .error, code: "no-audio", path: "", message: "the release has no audio files")]
        }
        var findings: [Finding] = []
        let read = audioFiles.compactMap { path in facts[path].map { (path, $0) } }
        let codecs = Set(read.map(\.1.codec))
        if codecs.count > 1 {
            findings.append(Finding(severity: .error, code: "mixed-format", path: "", message: "the files are in more than one format (\(codecs.sorted().joined(separator: ", ")))"))
        }
        let lossless = read.allSatisfy { $0.1.codec == "FLAC" || $0.1.codec == "ALAC" }
        if lossless {
            if let mixed = AudioEvidence.mixed(read.compactMap { path, facts in facts.bitDepth.map { (path, "\($0)-bit") } }) {
                let depths = Set(read.compactMap(\.1.bitDepth))
                findings.append(Finding(severity: .warning, code: "mixed-bit-depth", path: "",
                    message: "bit depths differ (\(depths.sorted().map(String.init).joined(separator: ", "))): a hybrid release; it counts as 24bit Lossless; \(Self.oddOnes(mixed))"))
            }
            if description.media?.uppercased() == "CD", !files.contains(where: isRipLog) {
                findings.append(Finding(severity: .error, code: "missing-log", path: "", message: "a CD lossless release needs its rip log (.log)"))
            }
        } else {
            // The encoding the user gave (an answer, --meta) stands for files that do not say theirs.
            if description.encoding == nil {
                for (path, facts) in read where facts.encoding == nil {
                    findings.append(Finding(severity: .error, code: "unknown-encoding", path: path, message: "the file does not say how it was encoded (no LAME preset): --meta \"encoding=V2 (VBR)\" (or 320, V0 (VBR), …)"))
                }
            }
            let encodings = Set(read.compactMap(\.1.encoding))
            // Different formats are already an error; different encodings would only repeat it.
            if codecs.count == 1 && encodings.count > 1 {
                findings.append(Finding(severity: .error, code: "mixed-encoding", path: "", message: "the files differ in encoding (\(encodings.sorted().joined(separator: ", ")))"))
            }
        }
        if let mixed = AudioEvidence.mixed(read.map { path, facts in (path, "\(facts.sampleRate) Hz") }) {
            findings.append(Finding(severity: .warning, code: "mixed-sample-rate", path: "", message: "the sample rates differ: \(Self.oddOnes(mixed))"))
        }
        for (path, facts) in read {
            if let tag = AudioEvidence.preEmphasisTag(facts.tags) {
                findings.append(Finding(severity: .warning, code: "pre-emphasis", path: path, message: "the tags say the audio has pre-emphasis (\(tag)): it plays too bright without de-emphasis, and a transcode keeps it"))
            }
            if !facts.implausible.isEmpty {
                findings.append(Finding(severity: .error, code: "implausible", path: path,
                    message: "the file states \(facts.implausible.joined(separator: " and ")), which no real file has: it is damaged"))
            }
            if facts.channels > 2 {
                findings.append(Finding(severity: .warning, code: "channels", path: path, message: "\(facts.channels) channels"))
            }
            if ![44100, 48000, 88200, 96000, 176400, 192000].contains(facts.sampleRate) {
                findings.append(Finding(severity: .warning, code: "sample-rate", path: path, message: "unusual sample rate \(facts.sampleRate) Hz"))
            }
        }
        return findings
    }

    /// `44100 Hz in 9 files; 48000 Hz in 1: 10 - Bonus.flac`: the common value, then each other with its files.
    static func oddOnes(_ mixed: (common: (value: String, count: Int), others: [(value: String, paths: [String])])) -> String {
        let others = mixed.others.map { "\($0.value) in \($0.paths.count): \($0.paths.joined(separator: ", "))" }
        return (["\(mixed.common.value) in \(mixed.common.count) file\(mixed.common.count == 1 ? "" : "s")"] + others).joined(separator: "; ")
    }

    /// A cue sheet's `FLAGS PRE` lines: the disc was mastered with
    /// pre-emphasis, which the audio keeps until it is de-emphasised.
    /// - Parameter cueSheets: each cue sheet's text, by its path in the release.
    public static func cuePreEmphasis(_ cueSheets: [String: String]) -> [Finding] {
        cueSheets.sorted { $0.key < $1.key }.compactMap { path, text in
            let lines = AudioEvidence.cuePreEmphasisLines(text)
            guard !lines.isEmpty else { return nil }
            return Finding(severity: .warning, code: "pre-emphasis", path: path,
                message: "line\(lines.count == 1 ? "" : "s") \(lines.map(String.init).joined(separator: ", ")): FLAGS PRE, the disc has pre-emphasis: the rip plays too bright without de-emphasis, and a transcode keeps it")
        }
    }

    /// What UNIT3D finds wrong with one name in a torrent's file list, or nil
    /// (its rules: HDInnovations/UNIT3D-Community-Edition app/Helpers/TorrentTools.php,
    /// `isValidFilename`, applied by app/Http/Controllers/API/TorrentController.php `store`).
    public static func unit3dNameProblem(_ name: String) -> String? {
        let bytes = name.utf8.count
        if bytes > 255 { return "the name is \(bytes) bytes; UNIT3D takes 255" }
        if let bad = name.unicodeScalars.first(where: { $0.value < 0x20 || "\\/?<>:*|\"".unicodeScalars.contains($0) }) {
            return bad.value < 0x20 ? "the name contains a control character" : "the name contains '\(bad)'"
        }
        if name.hasSuffix(".") || name.hasSuffix(" ") { return "the name ends in '.' or a space" }
        let lower = name.lowercased()
        let stem = String(lower.prefix { $0 != "." })
        let reserved = ["con", "prn", "aux", "nul"].contains(stem)
            || (stem.count == 4 && (stem.hasPrefix("com") || stem.hasPrefix("lpt")) && stem.last.map { ("0"..."9").contains($0) } == true)
        if reserved { return "'\(stem)' is a reserved name on Windows" }
        if lower.hasPrefix("____padding") || lower.hasPrefix(".____padding") || name.hasPrefix(".pad") { return "the name is a padding file's" }
        return nil
    }

    /// A rip log, not one of the analysers' logs that OPS does not count.
    public static func isRipLog(_ path: String) -> Bool {
        let name = String(path.split(separator: "/").last ?? "").lowercased()
        return fileExtension(path) == "log" && name != "audiochecker.log" && name != "sox.log"
    }

    public static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
