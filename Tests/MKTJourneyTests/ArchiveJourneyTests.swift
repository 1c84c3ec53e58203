import Foundation
import MKTTestSupport
import Testing

/// `mkt add ARCHIVE --extract-to DIR`: real archives made by Python's zipfile
/// and tarfile and by bsdtar, and hostile ones.
@Suite(.enabled(if: Oracle.available(Oracle.python) && Oracle.available("/usr/bin/bsdtar"), "python3 and bsdtar are needed (scripts/apt-deps.sh test installs them)"))
struct ArchiveJourneyTests {
    static let maker = """
        import io, os, sys, tarfile, zipfile
        os.chdir(sys.argv[1])
        album = 'Artist - Album (2019) [FLAC]'
        files = {album + '/01 - One.flac': b'a' * 5000, album + '/02 - Two.flac': b'b' * 7000, album + '/rip.log': b'log'}
        with zipfile.ZipFile('good.zip', 'w', zipfile.ZIP_DEFLATED) as z:
            for name, data in files.items(): z.writestr(name, data)
        with tarfile.open('good.tar.gz', 'w:gz') as t:
            for name, data in files.items():
                info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
        with zipfile.ZipFile('Loose Files (2020) [MP3].zip', 'w') as z:
            z.writestr('01.mp3', b'x' * 100); z.writestr('02.mp3', b'y' * 100)
        def tar(name, *entries):
            with tarfile.open(name, 'w') as t:
                for info, data in entries:
                    t.addfile(info, io.BytesIO(data) if data is not None else None)
        def entry(name, data=b'x', kind=tarfile.REGTYPE, link=''):
            info = tarfile.TarInfo(name); info.type = kind; info.linkname = link
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            return info, (data if kind == tarfile.REGTYPE else None)
        with zipfile.ZipFile('dotdot.zip', 'w') as z: z.writestr('album/../../escaped.flac', b'x')
        tar('absolute.tar', entry('/tmp/escaped.flac'))
        tar('symlink.tar', entry('album/01.flac'), entry('album/cover.jpg', kind=tarfile.SYMTYPE, link='/etc/passwd'))
        tar('hardlink.tar', entry('album/01.flac'), entry('album/02.flac', kind=tarfile.LNKTYPE, link='album/01.flac'))
        tar('fifo.tar', entry('album/pipe', kind=tarfile.FIFOTYPE))
        tar('twice.tar', entry('album/01.flac'), entry('album/01.flac'))
        with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('album/big.flac', b'\\\\0' * 2000000)
        open('notes.txt', 'w').write('not an archive')
        """

    @Test func releasesInArchivesAreUnpackedAndAdded() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let made = try Oracle.run(Oracle.python, ["-c", Self.maker, directory], in: directory)
            #expect(made.status == 0, "\(made)")
            for (index, archive) in ["good.zip", "good.tar.gz"].enumerated() {
                let out = "\(directory)/out\(index)"
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                let added = try MKTProcess.run(["add", "--yes", archive, "--extract-to", out], in: directory)
                #expect(added.status == 0, "\(added)")
                // The first line says where the release went. The made-up .flac files draw a warning each the
                // first time; unpacked again elsewhere they hash the same, so their tags are not read again.
                let unpacked = "unpacked \(archive) into \(out)/Artist - Album (2019) [FLAC]\n"
                #expect(index == 0 ? added.stderr.hasPrefix(unpacked + "warning: ") : added.stderr == unpacked, "\(added)")
                #expect(added.stdout.hasPrefix(index == 0 ? "added artist-album-2019-flac" : "unchanged artist-album-2019-flac"), "\(added)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: "\(out)/Artist - Album (2019) [FLAC]").sorted() == ["01 - One.flac", "02 - Two.flac", "rip.log"])
            }
            // A .7z made by bsdtar (libarchive's own writer), of the folder unpacked above.
            let sevenZip = try Oracle.run("/usr/bin/bsdtar", ["--format", "7zip", "-cf", "\(directory)/good.7z", "-C", "\(directory)/out0", "Artist - Album (2019) [FLAC]"], in: directory)
            #expect(sevenZip.status == 0, "\(sevenZip)")
            try FileManager.default.createDirectory(atPath: "\(directory)/out7", withIntermediateDirectories: true)
            let fromSevenZip = try MKTProcess.run(["add", "-y", "-q", "good.7z", "--extract-to", "out7"], in: directory)
            #expect(fromSevenZip.status == 0, "\(fromSevenZip)")
            #expect(try String(contentsOfFile: "\(directory)/out7/Artist - Album (2019) [FLAC]/rip.log", encoding: .utf8) == "log")

            // Files at the top: the folder is named after the archive.
            let loose = try MKTProcess.run(["add", "-y", "Loose Files (2020) [MP3].zip", "--extract-to", "out7"], in: directory)
            #expect(loose.status == 0, "\(loose)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/out7/Loose Files (2020) [MP3]").sorted() == ["01.mp3", "02.mp3"])
            // Never over an existing folder.
            let again = try MKTProcess.run(["add", "-y", "good.7z", "--extract-to", "out7"], in: directory)
            #expect(again.status == 1 && again.stderr == "error: out7/Artist - Album (2019) [FLAC]: exists already; mkt does not unpack over it\n", "\(again)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/out7").sorted() == ["Artist - Album (2019) [FLAC]", "Loose Files (2020) [MP3]"])
        }
    }

    /// Python's zipfile marks non-ASCII names as UTF-8 (general-purpose bit
    /// 11); libarchive then converts them to the locale's character set, which
    /// failed under mkt's C locale ("refused: an entry has no name").
    @Test func unicodeNamesInZipsAndTars() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let maker = """
                import io, os, sys, tarfile, zipfile
                os.chdir(sys.argv[1])
                name = 'Café/01 - Ünïcode.flac'
                with zipfile.ZipFile('unicode.zip', 'w') as z: z.writestr(name, b'a' * 100)
                assert zipfile.ZipFile('unicode.zip').infolist()[0].flag_bits & 0x800
                for kind, form in (('pax', tarfile.PAX_FORMAT), ('gnu', tarfile.GNU_FORMAT)):
                    with tarfile.open('unicode-' + kind + '.tar', 'w', format=form) as t:
                        info = tarfile.TarInfo(name); info.size = 100; t.addfile(info, io.BytesIO(b'a' * 100))
                """
            let made = try Oracle.run(Oracle.python, ["-c", maker, directory], in: directory)
            #expect(made.status == 0, "\(made)")
            for archive in ["unicode.zip", "unicode-pax.tar", "unicode-gnu.tar"] {
                let out = "\(directory)/out-\(archive)"
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                let added = try MKTProcess.run(["add", "--yes", archive, "--extract-to", out], in: directory)
                #expect(added.status == 0 && added.stderr.hasPrefix("unpacked \(archive) into \(out)/Café\n"), "\(archive): \(added)")
                #expect((try? FileManager.default.contentsOfDirectory(atPath: "\(out)/Café")) == ["01 - Ünïcode.flac"], "\(archive)")
            }
        }
    }

    /// One name in NFC and in NFD (`Café`): a tar gives two files, as the
    /// folder would, since names are compared as bytes. A zip cannot:
    /// libarchive folds its UTF-8 names to NFC, so both arrive as one, and it
    /// is refused with a line saying so rather than one file silently lost.
    @Test func bothSpellingsOfANameInATarAndAZip() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let maker = """
                import io, os, sys, tarfile, zipfile
                os.chdir(sys.argv[1])
                names = ['A/Caf\\u00e9.flac', 'A/Cafe\\u0301.flac']
                with zipfile.ZipFile('both.zip', 'w') as z:
                    for n in names: z.writestr(n, n.encode() * 50)
                with tarfile.open('both.tar', 'w', format=tarfile.PAX_FORMAT) as t:
                    for n in names:
                        data = n.encode() * 50; info = tarfile.TarInfo(n); info.size = len(data); t.addfile(info, io.BytesIO(data))
                """
            let made = try Oracle.run(Oracle.python, ["-c", maker, directory], in: directory)
            #expect(made.status == 0, "\(made)")
            for out in ["tar", "zip"] { try FileManager.default.createDirectory(atPath: "\(directory)/\(out)", withIntermediateDirectories: true) }
            let fromTar = try MKTProcess.run(["add", "--yes", "both.tar", "--extract-to", "tar"], in: directory)
            #expect(fromTar.status == 0, "\(fromTar)")
            let listed = try MKTProcess.run(["ls-release", "-z", "--name-only", "a"], in: directory)
            #expect(listed.stdoutData == Data("Cafe\u{301}.flac\0Caf\u{E9}.flac\0".utf8), "\(listed)")
            let fromZip = try MKTProcess.run(["add", "--yes", "both.zip", "--extract-to", "zip"], in: directory)
            #expect(fromZip.status == 1)
            #expect(fromZip.stderr == "error: both.zip: refused: 'A/Caf\u{E9}.flac' is in it twice (or in two spellings that differ only in Unicode normalisation, which a zip reader folds into one; a tar keeps them apart); nothing was unpacked\n", "\(fromZip)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/zip").isEmpty)
        }
    }

    @Test func hostileArchivesAreRefusedAndLeaveNothing() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let made = try Oracle.run(Oracle.python, ["-c", Self.maker, directory], in: directory)
            #expect(made.status == 0, "\(made)")
            try FileManager.default.createDirectory(atPath: "\(directory)/out", withIntermediateDirectories: true)
            let refusals = [
                "dotdot.zip": "'album/../../escaped.flac' points outside the archive",
                "absolute.tar": "'/tmp/escaped.flac' is an absolute path",
                "symlink.tar": "'album/cover.jpg' is a link; a release has none",
                "hardlink.tar": "'album/02.flac' is a link; a release has none",
                "fifo.tar": "'album/pipe' is neither a file nor a folder",
                "twice.tar": "'album/01.flac' is in it twice",
            ]
            let storeBefore = FileManager.default.enumerator(atPath: "\(directory)/.mkt")!.compactMap { $0 as? String }.sorted()
            for (archive, reason) in refusals.sorted(by: { $0.key < $1.key }) {
                let refused = try MKTProcess.run(["add", "-y", archive, "--extract-to", "out"], in: directory)
                #expect(refused.status == 1)
                #expect(refused.stderr == "error: \(archive): refused: \(reason); nothing was unpacked\n", "\(refused)")
            }
            let bomb = try MKTProcess.run(["add", "-y", "bomb.zip", "--extract-to", "out", "--max-extract-size", "100000"], in: directory)
            #expect(bomb.stderr == "error: bomb.zip: refused: it unpacks to more than 100000 bytes; nothing was unpacked\n", "\(bomb)")
            let notArchive = try MKTProcess.run(["add", "-y", "notes.txt", "--extract-to", "out"], in: directory)
            #expect(notArchive.status == 1 && notArchive.stderr.hasPrefix("error: notes.txt: ") && notArchive.stderr.split(separator: "\n").count == 1, "\(notArchive)")
            let noDestination = try MKTProcess.run(["add", "-y", "good.zip"], in: directory)
            #expect(noDestination.status == 64 && noDestination.stderr.contains("good.zip is not a folder; for an archive, say where to unpack it with --extract-to DIR"), "\(noDestination)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/out").isEmpty)
            #expect(!FileManager.default.fileExists(atPath: "/tmp/escaped.flac") && !FileManager.default.fileExists(atPath: "\(directory)/escaped.flac"))
            #expect(FileManager.default.enumerator(atPath: "\(directory)/.mkt")!.compactMap { $0 as? String }.sorted() == storeBefore)
        }
    }
}
