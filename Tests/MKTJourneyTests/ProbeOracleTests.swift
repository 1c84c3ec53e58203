import Foundation
import MKTMetadata
import MKTTestSupport
import Testing

/// Audio made by Debian's encoders (Tests/Fixtures/make-audio-fixtures.sh),
/// generated once per test run.
enum AudioFixtures {
    static let tools = ["/usr/bin/sox", "/usr/bin/flac", "/usr/bin/lame", "/usr/bin/ffmpeg", "/usr/bin/opusenc", "/usr/bin/oggenc", "/usr/bin/eyeD3"]
    static var available: Bool { tools.allSatisfy(Oracle.available) && mutagenPython != nil }

    /// The python with mutagen: PyPI's (scripts/test.sh installs it), else Debian's python3-mutagen.
    static let mutagenPython: String? = ["python3", Oracle.python].first { candidate in
        (try? Oracle.run(candidate, ["-c", "import mutagen"], in: "/").status) == 0
    }

    static let directory: Result<String, any Error> = Result {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/make-audio-fixtures.sh").standardized.path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-audio-fixtures-\(getpid())").path
        let result = try Oracle.run("/bin/bash", [script, output], in: "/")
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return output
    }

    /// Every file below the fixtures whose name ends in one of `extensions` (any case).
    static func files(_ extensions: [String]) throws -> [String] {
        let root = try directory.get()
        return FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }
            .filter { path in extensions.contains { path.lowercased().hasSuffix("." + $0) } }
            .map { "\(root)/\($0)" }.sorted()
    }
}

@Suite(.enabled(if: AudioFixtures.available, "the audio encoders or mutagen are missing (scripts/apt-deps.sh test installs them)"))
struct ProbeOracleTests {
    /// mutagen's reading, in the same JSON shape as the fields mkt probe shares with it.
    static let mutagenScript = """
        import base64, json, sys, mutagen
        from mutagen.flac import FLAC, Picture
        from mutagen.mp3 import MP3
        from mutagen.apev2 import APEv2
        from mutagen.mp4 import MP4
        # mutagen turns ID3v2.3 dates (TYER, TDAT, TIME) into TDRC on loading; mkt reports the frames as stored.
        DATES = {"TYER", "TDAT", "TIME", "TRDA", "TDRC", "TORY", "TDOR"}
        out = []
        for path in sys.argv[1:]:
            f = mutagen.File(path)
            i = f.info
            tags, pictures, extra = {}, [], {}
            if isinstance(f, MP3):
                for frame in (f.tags.values() if f.tags else []):
                    if frame.FrameID == "APIC":
                        pictures.append([frame.type, frame.mime, 0, 0, len(frame.data)])
                    elif frame.FrameID.startswith("T") and frame.FrameID != "TXXX" and (frame.FrameID not in DATES or f.tags.version[1] == 1):
                        tags[frame.FrameID] = [str(t) for t in frame.text]
                try:
                    for key, value in APEv2(path).items():
                        tags["APE:" + key.upper()] = str(value).split("\\0")
                except Exception:
                    pass
                extra = {"bitrateMode": {0: None, 1: "CBR", 2: "VBR", 3: "ABR"}[int(i.bitrate_mode)],
                         "encoderSettings": i.encoder_settings if int(i.bitrate_mode) else None}
                codec = "MP3"
            elif isinstance(f, MP4):
                for key, values in (f.tags or {}).items():
                    if key == "covr":
                        pictures = [[3, "image/png" if v.imageformat == 14 else "image/jpeg", 0, 0, len(v)] for v in values]
                    else:
                        tags[key] = ["%d/%d" % v if isinstance(v, tuple) else str(v) for v in values]
                codec = "ALAC" if i.codec == "alac" else "AAC"
            else:
                for key, value in (f.tags or []):
                    if key.upper() == "METADATA_BLOCK_PICTURE":
                        pictures.append(Picture(base64.b64decode(value)))
                    else:
                        tags.setdefault(key.upper(), []).append(value)
                if isinstance(f, FLAC):
                    pictures = f.pictures
                pictures = [[p.type, p.mime, p.width, p.height, len(p.data)] for p in pictures]
                codec = {"FLAC": "FLAC", "OggVorbis": "Vorbis", "OggOpus": "Opus"}[type(f).__name__]
            out.append(dict({"path": path, "codec": codec, "sampleRate": getattr(i, "sample_rate", 48000),
                "bitDepth": None if codec == "AAC" else getattr(i, "bits_per_sample", None), "channels": i.channels,
                "durationMilliseconds": round(i.length * 1000), "bitrate": i.bitrate if codec != "Opus" else None,
                "sampleCount": getattr(i, "total_samples", None), "tags": tags, "pictures": pictures}, **extra))
        print(json.dumps(out))
        """

    /// mutagen reports no bitrate for Opus (mkt computes it), no sample count for
    /// Ogg, MP3 and MP4, a meaningless bit depth for AAC, and an UNKNOWN bitrate
    /// mode for an MP3 without a Xing frame (mkt scans its frames and finds it
    /// CBR): those fields are not compared.
    @Test func factsEqualMutagens() throws {
        let files = try AudioFixtures.files(["flac", "ogg", "opus", "mp3", "m4a"])
        #expect(files.count >= 35, "\(files)")
        let oracle = try Oracle.run(AudioFixtures.mutagenPython!, ["-c", Self.mutagenScript] + files, in: "/")
        #expect(oracle.status == 0, "\(oracle.stderr)")
        let expected = try JSONSerialization.jsonObject(with: oracle.stdoutData) as! [[String: Any]]
        let probed = try MKTProcess.run(["probe"] + files, in: "/")
        #expect(probed.status == 0, "\(probed.stderr)")
        let lines = probed.stdout.split(separator: "\n")
        #expect(lines.count == files.count)
        for (line, want) in zip(lines, expected) {
            let got = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let name = (want["path"] as! String).split(separator: "/").last!
            for key in ["path", "codec", "sampleRate", "bitDepth", "channels", "bitrate", "sampleCount", "bitrateMode", "encoderSettings"]
            where want[key] != nil && !(want[key] is NSNull) {
                #expect(got[key] as? AnyHashable == want[key] as? AnyHashable, "\(name): \(key)")
            }
            // Duration to the millisecond (the goal is ±50 ms).
            #expect(abs((got["durationMilliseconds"] as! Int) - (want["durationMilliseconds"] as! Int)) <= 1, "\(name): duration")
            var gotTags = got["tags"] as? [String: [String]] ?? [:]
            if want["codec"] as? String == "MP3" {
                // Only what mutagen reads the same way: text frames other than dates, APEv2 items.
                // (From ID3v1, mkt writes the year as TDRC just as mutagen does, so it is compared there.)
                gotTags = gotTags.filter { key, _ in
                    key.hasPrefix("APE:") || (key.hasPrefix("T") && key != "TXXX" && !key.hasPrefix("TXXX:")
                        && (!["TYER", "TDAT", "TIME", "TRDA", "TDRC", "TORY", "TDOR"].contains(key) || name.contains("id3v1-only")))
                }
            }
            #expect(gotTags == want["tags"] as? [String: [String]], "\(name): tags")
            let pictures = (got["pictures"] as! [[String: Any]]).map { [$0["type"]!, $0["mimeType"]!, $0["width"]!, $0["height"]!, $0["bytes"]!] as NSArray }
            #expect(pictures == (want["pictures"] as! [[Any]]).map { $0 as NSArray }, "\(name): pictures")
            if let depth = want["bitDepth"] as? Int {
                #expect(got["encoding"] as? String == (depth > 16 ? "24bit Lossless" : "Lossless"), "\(name): encoding")
            }
        }
    }

    /// The encoding class from the LAME tag, never from the average bitrate (the
    /// synthetic V0 averages 182 kb/s, the V2 128 kb/s).
    @Test func mp3EncodingsAreToldApart() throws {
        let expected: [(file: String, encoding: String?, mode: String)] = [
            ("[MP3 320]/01", "320", "CBR"), ("[MP3 V0]/01", "V0 (VBR)", "VBR"), ("[MP3 V2]/01", "V2 (VBR)", "VBR"),
            ("mp3-v1.mp3", "V1 (VBR)", "VBR"), ("mp3-cbr-256.mp3", "256", "CBR"), ("mp3-cbr-192.mp3", "192", "CBR"),
            ("mp3-abr-192.mp3", "Other", "ABR"), ("mp3-cbr-320-no-info-frame.mp3", "320", "CBR"),
            // ffmpeg's Xing frame has no LAME fields: the V level cannot be known, so it is not guessed.
            ("mp3-v0-via-ffmpeg.mp3", nil, "VBR"),
        ]
        let files = try AudioFixtures.files(["mp3"])
        for (name, encoding, mode) in expected {
            let file = try #require(files.first { $0.contains(name) }, "\(name)")
            let facts = try AudioProbe.probe(path: file)
            #expect(facts.encoding == encoding, "\(name)")
            #expect(facts.bitrateMode == mode, "\(name)")
        }
    }

    /// An M4B audiobook with chapters, made by ffmpeg: chapters and audiobook facts as mutagen reads them.
    @Test func audiobookChapters() throws {
        try withTemporaryDirectory { directory in
            let metadata = """
                ;FFMETADATA1
                title=A Book
                artist=An Author
                composer=A Narrator
                genre=Audiobook
                [CHAPTER]
                TIMEBASE=1/1000
                START=0
                END=2500
                title=Chapter One
                [CHAPTER]
                TIMEBASE=1/1000
                START=2500
                END=5000
                title=Chapter Two: Ünïcode

                """
            try writeFile("\(directory)/An Author - A Book/meta.txt", metadata)
            let made = try MKTProcess.shell(
                "cd 'An Author - A Book' && sox -n -r 44100 -c 2 a.wav synth 5 sine 440 && ffmpeg -loglevel error -y -i a.wav -i meta.txt -map_metadata 1 -map_chapters 1 -c:a aac -b:a 64k book.m4b && rm a.wav meta.txt",
                in: directory)
            #expect(made.status == 0, "\(made)")
            let book = "\(directory)/An Author - A Book/book.m4b"
            let oracle = try Oracle.run(AudioFixtures.mutagenPython!, ["-c", "import sys, mutagen.mp4 as m; print([(round(c.start * 1000), c.title) for c in m.MP4(sys.argv[1]).chapters])", book], in: "/")
            #expect(oracle.stdout == "[(0, 'Chapter One'), (2500, 'Chapter Two: Ünïcode')]\n")
            let facts = try AudioProbe.probe(path: book)
            #expect(facts.chapters.map(\.startMilliseconds) == [0, 2500])
            #expect(facts.chapters.map(\.title) == ["Chapter One", "Chapter Two: Ünïcode"])
            let described = try MKTProcess.run(["describe-release", "\(directory)/An Author - A Book"], in: "/")
            let json = try JSONSerialization.jsonObject(with: described.stdoutData) as! [String: Any]
            #expect(json["category"] as? String == "Audiobooks")
            #expect(json["author"] as? String == "An Author" && json["narrator"] as? String == "A Narrator")
            #expect(((json["chapters"] as? [String: Any])?["book.m4b"] as? [Any])?.count == 2)
        }
    }

    @Test func theNFDTitleIsReadAsWritten() throws {
        let file = try AudioFixtures.files(["flac"]).first { $0.contains("[FLAC]/02") }!
        let facts = try AudioProbe.probe(path: file)
        // Read as stored (NFD); cleaning to NFC is the sanitizer's job, later.
        #expect(Array(facts.tags["TITLE"]![0].utf8) == Array("Cafe\u{301} Interlude".utf8))
    }

    /// Every prefix of every fixture, cut at 100 offsets: a clean error or a partial result, never a trap.
    @Test func truncatedFilesNeverTrap() throws {
        for file in try AudioFixtures.files(["flac", "mp3", "m4a", "ogg", "opus"]) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            for step in 0..<100 {
                // Dense over the first 64 KiB, where the metadata is, then across the file.
                let cut = step < 50 ? min(bytes.count, step * 1311) : bytes.count * (step - 50) / 50
                do {
                    let facts = try AudioProbe.probe(bytes: Array(bytes.prefix(cut)), path: file, fileSize: cut)
                    #expect(facts.sampleRate > 0)
                } catch {
                    #expect(error.description.hasPrefix(file), "the error names the file: \(error)")
                }
            }
        }
    }
}
