import Foundation
import MKTTestSupport
import Testing

/// FLAC albums made with sox and tagged with metaflac, for `mkt transcode`.
enum TranscodeAlbums {
    static let tools = ["/usr/bin/sox", "/usr/bin/flac", "/usr/bin/metaflac", "/usr/bin/lame", "/bin/bash"]
    static var available: Bool { tools.allSatisfy(Oracle.available) && AudioFixtures.mutagenPython != nil }

    /// An album of `tracks` sine tones, `seconds` each; `bits`/`rate` as sox takes them.
    /// `pad24` makes 16-bit audio and pads it to 24 bits (a fake 24-bit album).
    @discardableResult
    static func make(in directory: String, album: String, bits: Int, rate: Int, tracks: Int = 3, seconds: Double = 2, pad24: Bool = false, extraTags: [String] = []) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let folder = "\(directory)/Transcode Artist - \(album) (2019) [FLAC\(bits == 24 ? " 24-\(rate / 1000)" : "")]"
        var script = "set -e; export LC_ALL=C.UTF-8; mkdir -p \(Oracle.quote(folder)); cd \(Oracle.quote(folder))\n"
        for number in 1...tracks {
            let file = String(format: "%02d - Tone %d.flac", number, number)
            let made = pad24 ? "sox -R -n -b 16 -r \(rate) -c 2 t.wav synth \(seconds) sine \(220 * number) gain -6 && sox t.wav -b 24 \(Oracle.quote(file)) && rm t.wav"
                : "sox -R -n -b \(bits) -r \(rate) -c 2 \(Oracle.quote(file)) synth \(seconds) sine \(220 * number) gain -6"
            let tags = [
                "TITLE=Tone \(number) Café", "ARTIST=Transcode Artist", "ALBUM=\(album)", "DATE=2019-03-08", "TRACKNUMBER=\(number)",
                "TRACKTOTAL=\(tracks)", "DISCNUMBER=1", "LABEL=Transcode Records", "GENRE=Electronic",
            ] + extraTags
            script += "\(made)\nmetaflac --remove-all-tags \(tags.map { "--set-tag=\(Oracle.quote($0))" }.joined(separator: " ")) \(Oracle.quote(file))\n"
        }
        let result = try Oracle.run("/bin/bash", ["-c", script], in: directory)
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return folder
    }

    /// Writes a 2x2 PNG to argv[1].
    static let pngScript = """
        import struct, sys, zlib
        def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        rows = b"".join(b"\\x00" + b"\\xff\\x00\\x00" * 2 for _ in range(2))
        png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
        open(sys.argv[1], "wb").write(png)
        """

    /// mutagen's reading of each file: stream facts and the tags the sites check.
    static let mutagenScript = """
        import json, sys, mutagen
        from mutagen.mp3 import MP3
        from mutagen.easyid3 import EasyID3
        out = []
        for path in sys.argv[1:]:
            f = mutagen.File(path)
            i = f.info
            if isinstance(f, MP3):
                tags = {k: list(v) for k, v in EasyID3(path).items()}
                extra = {"encoderSettings": i.encoder_settings, "bitrateMode": str(i.bitrate_mode).split(".")[-1], "bits": None,
                         "pictures": [len(p.data) for p in f.tags.getall("APIC")]}
            else:
                tags = {k.lower(): list(v) for k, v in (f.tags or {}).as_dict().items()}
                extra = {"bits": i.bits_per_sample}
            out.append(dict({"path": path, "rate": i.sample_rate, "channels": i.channels, "length": i.length, "tags": tags}, **extra))
        print(json.dumps(out))
        """

    static func mutagen(_ files: [String]) throws -> [[String: Any]] {
        let result = try Oracle.run(try #require(AudioFixtures.mutagenPython), ["-c", mutagenScript] + files, in: "/")
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
    }

    static func audio(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".mp3") || $0.hasSuffix(".flac") }.sorted().map { "\(folder)/\($0)" }
    }
}

@Suite(.enabled(if: TranscodeAlbums.available, "sox, flac, lame or mutagen is missing (scripts/apt-deps.sh test installs them)"))
struct TranscodeJourneyTests {
    /// A 24/96 album and a 16/44.1 album to V0, 320 and FLAC16: mutagen
    /// agrees on every output, the tags are the source's, a second run
    /// writes nothing, and a derived release pushed to RED joins its source's group.
    @Test func derivedFormatsAndTheirGroup() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red")
            let ops = try FakeTracker(site: "ops")
            try world.appendConfig(red.configSection())
            try world.appendConfig(ops.configSection())
            let music = "\(directory)/music"
            let hiRes = try TranscodeAlbums.make(in: music, album: "High Rate", bits: 24, rate: 96000)
            // A small cover: into each folder, and into the MP3s' tags.
            let png = try Oracle.run("/usr/bin/python3", ["-c", TranscodeAlbums.pngScript, "\(hiRes)/cover.png"], in: directory)
            #expect(png.status == 0, "\(png)")
            let cd = try TranscodeAlbums.make(in: music, album: "Compact", bits: 16, rate: 44100)
            for folder in [hiRes, cd] {
                let added = try world.mkt(["add", "-y", folder, "--meta", "media=WEB", "--meta", "release-type=Album"])
                #expect(added.status == 0, "\(added)")
            }
            let hiResName = "transcode-artist-high-rate-2019-flac-24-96", cdName = "transcode-artist-compact-2019-flac"

            let made = try world.mkt(["transcode", hiResName, "--to", "V0,320,FLAC16"])
            #expect(made.status == 0 && made.stderr.isEmpty, "\(made)")
            let derived = ["transcode-artist-high-rate-2019-mp3-v0", "transcode-artist-high-rate-2019-mp3-320", "transcode-artist-high-rate-2019-flac"]
            #expect(made.stdout == derived.map { $0 + "\n" }.joined(), "\(made)")
            let fromCD = try world.mkt(["transcode", cdName, "--to", "V0,320,FLAC16"])
            #expect(fromCD.status == 0, "\(fromCD)")
            #expect(fromCD.stdout == "transcode-artist-compact-2019-mp3-v0\ntranscode-artist-compact-2019-mp3-320\n", "\(fromCD)")
            #expect(fromCD.stderr.contains("warning: \(cdName) is 16-bit already") && fromCD.stderr.contains("no FLAC16 made"), "\(fromCD)")

            // mutagen, an independent reader, on every output against its source.
            let outputs: [(folder: String, source: String, settings: String?, mode: String?, rate: Int, bits: Int?)] = [
                ("Transcode Artist - High Rate (2019) [MP3 V0]", hiRes, "-V 0", "VBR", 48000, nil),
                ("Transcode Artist - High Rate (2019) [MP3 320]", hiRes, "-b 320", "CBR", 48000, nil),
                ("Transcode Artist - High Rate (2019) [FLAC]", hiRes, nil, nil, 48000, 16),
                ("Transcode Artist - Compact (2019) [MP3 V0]", cd, "-V 0", "VBR", 44100, nil),
                ("Transcode Artist - Compact (2019) [MP3 320]", cd, "-b 320", "CBR", 44100, nil),
            ]
            let cover = try Data(contentsOf: URL(fileURLWithPath: "\(hiRes)/cover.png"))
            for output in outputs {
                if output.source == hiRes {
                    #expect(FileManager.default.contents(atPath: "\(music)/\(output.folder)/cover.png") == cover, "\(output.folder)")
                }
                let sources = try TranscodeAlbums.mutagen(try TranscodeAlbums.audio(in: output.source))
                let files = try TranscodeAlbums.mutagen(try TranscodeAlbums.audio(in: "\(music)/\(output.folder)"))
                #expect(files.count == 3, "\(output.folder)")
                for (file, source) in zip(files, sources) {
                    let name = "\(output.folder)/\(((file["path"] as? String ?? "") as NSString).lastPathComponent)"
                    #expect(file["encoderSettings"] as? String == output.settings && file["bitrateMode"] as? String == output.mode, "\(name): \(file)")
                    #expect(file["rate"] as? Int == output.rate && file["channels"] as? Int == 2 && file["bits"] as? Int == output.bits, "\(name): \(file)")
                    #expect(abs((file["length"] as? Double ?? 0) - (source["length"] as? Double ?? -1)) < 0.027, "\(name): duration \(file["length"] ?? "")")
                    // LAME adds TLEN, the length in milliseconds (compared above).
                    let tags = (file["tags"] as? [String: [String]] ?? [:]).filter { $0.key != "length" }
                    var want = source["tags"] as? [String: [String]] ?? [:]
                    if output.settings != nil {
                        // EasyID3's names; ID3v2.3 holds the year of the date, the total goes with the number.
                        want = ["title": want["title"] ?? [], "artist": want["artist"] ?? [], "album": want["album"] ?? [], "date": ["2019"],
                                "tracknumber": ["\(want["tracknumber"]?[0] ?? "")/3"], "discnumber": ["1"], "organization": want["label"] ?? [],
                                "genre": want["genre"] ?? []]
                    }
                    #expect(tags == want, "\(name): tags")
                    if output.settings != nil {
                        #expect(file["pictures"] as? [Int] == (output.source == hiRes ? [cover.count] : []), "\(name): cover")
                    }
                }
            }

            // Again: everything is there; nothing is written.
            let objects = try FileManager.default.subpathsOfDirectory(atPath: "\(directory)/.mkt/objects").sorted()
            let stamp = try FileManager.default.attributesOfItem(atPath: "\(music)/Transcode Artist - High Rate (2019) [MP3 V0]/01 - Tone 1.mp3")[.modificationDate] as? Date
            let again = try world.mkt(["transcode", hiResName, "--to", "V0,320,FLAC16"])
            #expect(again.status == 0 && again.stdout == made.stdout && again.stderr.isEmpty, "\(again)")
            #expect(try FileManager.default.subpathsOfDirectory(atPath: "\(directory)/.mkt/objects").sorted() == objects)
            #expect(try FileManager.default.attributesOfItem(atPath: "\(music)/Transcode Artist - High Rate (2019) [MP3 V0]/01 - Tone 1.mp3")[.modificationDate] as? Date == stamp)

            // The lineage, in the derived release's snapshot.
            let snapshot = try world.object("refs/releases/\(derived[0])")
            let lineage = try #require(snapshot["derived"] as? [String: Any])
            #expect(lineage["source"] as? String == hiResName && lineage["format"] as? String == "V0")
            #expect(lineage["meta"] as? String == (try world.mkt(["rev-parse", "refs/releases/\(hiResName)"]).line))
            #expect((lineage["encoders"] as? [String])?.contains { $0.hasPrefix("LAME 3.") } == true, "\(lineage)")
            let commands = lineage["commands"] as? [String] ?? []
            #expect(commands.count == 3 && commands[0].hasPrefix("sox -R -G 'Transcode Artist - High Rate (2019) [FLAC 24-96]/01 - Tone 1.flac'"), "\(commands)")
            #expect(commands[0].contains("| lame --quiet -V 0") && commands[0].hasSuffix("- 'Transcode Artist - High Rate (2019) [MP3 V0]/01 - Tone 1.mp3'"), "\(commands)")
            #expect((snapshot["description"] as? [String: Any])?["encoding"] as? String == "V0 (VBR)")
            // The lineage is a link fsck follows; gc keeps objects only and leaves the folders be.
            let fsck = try world.mkt(["fsck"])
            #expect(fsck.status == 0, "\(fsck)")
            let gc = try world.mkt(["gc", "--prune=0", "--grace=0"])
            #expect(gc.status == 0 && !gc.stdout.contains("objects/"), "\(gc)")
            #expect(try TranscodeAlbums.audio(in: "\(music)/Transcode Artist - High Rate (2019) [MP3 V0]").count == 3)

            // mkt status: each transcode under its source, saying what it is.
            let status = try world.mkt(["status"])
            let headers = status.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
            #expect(headers == [
                "transcode-artist-compact-2019-flac", "transcode-artist-compact-2019-mp3-320 (320 of transcode-artist-compact-2019-flac)",
                "transcode-artist-compact-2019-mp3-v0 (V0 of transcode-artist-compact-2019-flac)", "transcode-artist-high-rate-2019-flac-24-96",
                "transcode-artist-high-rate-2019-flac (FLAC16 of \(hiResName))", "transcode-artist-high-rate-2019-mp3-320 (320 of \(hiResName))",
                "transcode-artist-high-rate-2019-mp3-v0 (V0 of \(hiResName))",
            ], "\(status)")

            // A transcode before its source is on the site: refused, nothing sent.
            let early = try world.mkt(["push", "red", derived[0], "--no-seed"])
            #expect(early.status != 0 && early.stdout.contains("push \(hiResName) to red first"), "\(early)")
            #expect(try red.uploads.isEmpty)
            let source = try world.mkt(["push", "red", hiResName, "--no-seed"])
            #expect(source.status == 0, "\(source)")
            let group = try #require(try red.uploads.first?["groupId"] as? Int)
            let pushed = try world.mkt(["push", "red", derived[0], "--no-seed"])
            #expect(pushed.status == 0 && pushed.stdout.contains("red \(derived[0]): success"), "\(pushed)")
            let upload = try #require(try red.uploads.last)
            let fields = FakeTracker.fields(of: upload)
            #expect(upload["groupId"] as? Int == group && fields["groupid"] == [String(group)], "\(fields)")
            #expect(fields["format"] == ["MP3"] && fields["bitrate"] == ["V0 (VBR)"], "\(fields)")
            #expect(fields["release_desc"]?.first?.contains("Transcoded by mkt from [url=\(red.url)/torrents.php?id=\(group)&torrentid=") == true, "\(fields)")

            // --formats: the source's other transcodes, each into its group; a second run sends nothing and says so.
            let formats = try world.mkt(["push", "red", hiResName, "--formats", "--no-seed"])
            #expect(formats.status == 0 && formats.stdout.components(separatedBy: ": success").count - 1 == 2, "\(formats)")
            #expect(formats.stderr.contains("2 uploaded, 2 up to date"), "\(formats)")
            let uploads = try red.uploads
            #expect(uploads.count == 4 && uploads.allSatisfy { $0["groupId"] as? Int == group }, "\(uploads.map { $0["groupId"] ?? "" })")
            let formatsAgain = try world.mkt(["push", "red", hiResName, "--formats", "--no-seed"])
            #expect(formatsAgain.status == 0 && !formatsAgain.stdout.contains("success") && formatsAgain.stderr.contains("4 up to date"), "\(formatsAgain)")
            #expect(try red.uploads.count == 4)

            // Both sites in one push: the CD album and its transcodes land in one group each on RED and OPS.
            let both = try world.mkt(["push", "red", "ops", cdName, "--formats", "--no-seed"])
            #expect(both.status == 0 && both.stdout.components(separatedBy: ": success").count - 1 == 6, "\(both)")
            for fake in [red, ops] {
                let sent = Array(try fake.uploads.suffix(3))  // this push's: the source, then its two transcodes
                #expect(sent.count == 3 && Set(sent.compactMap { $0["groupId"] as? Int }).count == 1, "\(fake.site): \(sent.map { $0["groupId"] ?? "" })")
                let descriptions = sent.compactMap { FakeTracker.fields(of: $0)["release_desc"]?.first }
                #expect(descriptions.count == 2 && descriptions.allSatisfy { $0.contains("Transcoded by mkt from") }, "\(fake.site): \(descriptions)")
            }
        }
    }

    /// What the sites refuse is refused, each with a line naming the file,
    /// and nothing is written.
    @Test func refusals() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let music = "\(directory)/music"
            let fake = try TranscodeAlbums.make(in: music, album: "Padded", bits: 24, rate: 48000, tracks: 2, seconds: 1, pad24: true)
            let mixed = try TranscodeAlbums.make(in: music, album: "Mixed", bits: 16, rate: 44100, tracks: 2, seconds: 1)
            _ = try Oracle.run("/usr/bin/sox", ["-R", "-n", "-b", "16", "-r", "48000", "-c", "2", "\(mixed)/03 - Odd.flac", "synth", "1", "sine", "300"], in: directory)
            let emphasis = try TranscodeAlbums.make(in: music, album: "Emphasis", bits: 16, rate: 44100, tracks: 1, seconds: 1, extraTags: ["PRE_EMPHASIS=1"])
            // An MP3 release: lossy, as the store records it.
            let lossy = "\(music)/Transcode Artist - Lossy (2019) [MP3 320]"
            try FileManager.default.createDirectory(atPath: lossy, withIntermediateDirectories: true)
            let encoded = try Oracle.run("/bin/bash", ["-c", "sox -R -n -b 16 -r 44100 -c 2 -t wav - synth 1 sine 440 | lame --quiet -b 320 --tt One --ta 'Transcode Artist' --tl Lossy - \(Oracle.quote(lossy))/01.mp3"], in: directory)
            #expect(encoded.status == 0, "\(encoded)")
            // A "FLAC" made from an MP3: pink noise through LAME at 128 kbps, decoded, then FLAC.
            let fromMP3 = "\(music)/Transcode Artist - From MP3 (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: fromMP3, withIntermediateDirectories: true)
            let made = try Oracle.run("/bin/bash", ["-c", "set -e; sox -R -r 44100 -n -b 16 -c 2 noise.wav synth 2.5 pinknoise gain -n -6; lame --quiet -b 128 noise.wav noise.mp3; "
                + "lame --quiet --decode noise.mp3 decoded.wav; flac --silent -o \(Oracle.quote(fromMP3))/'01 - Tone 1.flac' decoded.wav"], in: directory)
            #expect(made.status == 0, "\(made)")
            for folder in [fake, mixed, emphasis, lossy, fromMP3] {
                let added = try world.mkt(["add", "-y", folder])
                #expect(added.status == 0, "\(added)")
            }
            let before = try FileManager.default.contentsOfDirectory(atPath: music).sorted()
            let cases: [(release: String, line: String)] = [
                ("transcode-artist-padded-2019-flac-24-48", "error: 01 - Tone 1.flac: refused: 24-bit in name only: the low 8 bits of every sample are zero"),
                ("transcode-artist-mixed-2019-flac", "error: 03 - Odd.flac: refused: sample rate 48000 Hz, the other tracks' is 44100 Hz"),
                ("transcode-artist-emphasis-2019-flac", "error: 01 - Tone 1.flac: refused: its tags say it has pre-emphasis"),
                ("transcode-artist-lossy-2019-mp3-320", "error: transcode-artist-lossy-2019-mp3-320: refused: the store records it as MP3, a lossy format"),
                ("transcode-artist-from-mp3-2019-flac", "error: 01 - Tone 1.flac: refused: the spectrum stops at 1"),
            ]
            for (release, line) in cases {
                let refused = try world.mkt(["transcode", release, "--to", "V0,320,FLAC16"])
                #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused)")
                #expect(refused.stderr.hasPrefix(line), "\(refused)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: music).sorted() == before)
            // A source changed since it was recorded: its lineage would be wrong.
            let emphasisFile = "\(emphasis)/01 - Tone 1.flac"
            let retag = try Oracle.run("/usr/bin/metaflac", ["--remove-tag=PRE_EMPHASIS", emphasisFile], in: directory)
            #expect(retag.status == 0, "\(retag)")
            let changed = try world.mkt(["transcode", "transcode-artist-emphasis-2019-flac", "--to", "V0"])
            #expect(changed.status == 1 && changed.stderr == "error: \(emphasis): refused: the folder no longer holds what transcode-artist-emphasis-2019-flac recorded; 'mkt add' it again first\n", "\(changed)")
            let usage = try world.mkt(["transcode", "transcode-artist-mixed-2019-flac", "--to", "V0,AAC"])
            #expect(usage.status != 0 && usage.stderr.contains("'AAC' is not a format mkt makes"), "\(usage)")
        }
    }
}
