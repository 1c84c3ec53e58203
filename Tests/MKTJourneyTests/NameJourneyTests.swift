import Foundation
import MKTTestSupport
import Testing

/// Names that a hostile tester found taken for one another: file names that
/// differ only in Unicode normalisation, folders that share a name, and the
/// staging folders of a killed extraction.
struct NameJourneyTests {
    static let composed = "Caf\u{E9}.flac"
    static let decomposed = "Cafe\u{301}.flac"

    /// `é` as U+00E9 and as e + U+0301: two files to the file system, and to mkt.
    @Test func namesThatDifferOnlyInNormalisationAreTwoFiles() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            try writeFile("\(directory)/Album/\(Self.composed)", "composed")
            try writeFile("\(directory)/Album/\(Self.decomposed)", "decomposed!")
            let added = try MKTProcess.run(["add", "-y", "-q", "Album"], in: directory)
            #expect(added.status == 0, "\(added)")
            let listed = try MKTProcess.run(["ls-release", "album"], in: directory)
            #expect(listed.status == 0 && listed.stdoutData == Data("11\t\(Self.decomposed)\n8\t\(Self.composed)\n".utf8), "\(listed)")
            for reader in [["verify", "album"], ["fsck"], ["log", "album"]] {
                let read = try MKTProcess.run(reader, in: directory)
                #expect(read.status == 0, "\(reader): \(read)")
            }
            let again = try MKTProcess.run(["add", "-y", "Album"], in: directory)
            #expect(again.stdout.hasPrefix("unchanged album"), "\(again)")
        }
    }

    @Test(.enabled(if: Oracle.available(Oracle.python), "python3 is needed"))
    func namesThatDifferOnlyInNormalisationComeOutOfATar() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let maker = """
                import io, sys, tarfile
                with tarfile.open(sys.argv[1], 'w') as t:
                    for name, data in [('Album/Caf\\u00e9.flac', b'composed'), ('Album/Cafe\\u0301.flac', b'decomposed!')]:
                        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
                """
            #expect(try Oracle.run(Oracle.python, ["-c", maker, "\(directory)/album.tar"], in: directory).status == 0)
            try FileManager.default.createDirectory(atPath: "\(directory)/out", withIntermediateDirectories: true)
            let added = try MKTProcess.run(["add", "-y", "-q", "album.tar", "--extract-to", "out"], in: directory)
            #expect(added.status == 0, "\(added)")
            let listed = try MKTProcess.run(["ls-release", "--name-only", "album"], in: directory)
            #expect(listed.status == 0 && listed.stdoutData == Data("\(Self.decomposed)\n\(Self.composed)\n".utf8), "\(listed)")
            #expect(try MKTProcess.run(["verify", "album"], in: directory).status == 0)
        }
    }

    /// `x/Disc 1` and `y/Disc 1` with different content are two releases; a
    /// copy of one is that release; the same folder changed is that release updated.
    @Test func foldersOfOneNameInTwoPlacesAreTwoReleases() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            try writeFile("\(directory)/x/Disc 1/01.flac", "first disc")
            try writeFile("\(directory)/y/Disc 1/01.flac", "another disc")
            let first = try MKTProcess.run(["add", "-y", "x/Disc 1"], in: directory)
            #expect(first.stdout.hasPrefix("added disc-1\n") || first.stdout.hasPrefix("added disc-1 ("), "\(first)")
            let second = try MKTProcess.run(["add", "-y", "y/Disc 1"], in: directory)
            let realDirectory = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
            #expect(second.status == 0 && second.stdout.hasPrefix("added disc-1-2 (disc-1 is another folder: \(realDirectory)/x/Disc 1)"), "\(second)")
            let names = try MKTProcess.run(["for-each-ref", "--format=%(refname)", "refs/releases"], in: directory)
            #expect(names.stdout == "refs/releases/disc-1\nrefs/releases/disc-1-2\n", "\(names)")

            // Each folder again, unchanged, keeps its name.
            #expect(try MKTProcess.run(["add", "-y", "x/Disc 1"], in: directory).stdout.hasPrefix("unchanged disc-1"))
            #expect(try MKTProcess.run(["add", "-y", "y/Disc 1"], in: directory).stdout.hasPrefix("unchanged disc-1-2"))
            // A cp -a copy elsewhere holds the same content: the same release.
            #expect(try Oracle.run("/bin/cp", ["-a", "\(directory)/x", "\(directory)/z"], in: directory).status == 0)
            let copy = try MKTProcess.run(["add", "-y", "z/Disc 1"], in: directory)
            #expect(copy.stdout.hasPrefix("unchanged disc-1"), "\(copy)")
            // The same folder with other content is its release, updated.
            try writeFile("\(directory)/y/Disc 1/02.flac", "a bonus track")
            let changed = try MKTProcess.run(["add", "-y", "y/Disc 1"], in: directory)
            #expect(changed.stdout.hasPrefix("updated disc-1-2"), "\(changed)")
        }
    }

    /// A `kill -9` during extraction leaves `.mkt-extract-PID-…`; the next
    /// extraction into that folder removes it, and never a live process's.
    @Test(.enabled(if: Oracle.available(Oracle.python), "python3 is needed"))
    func theNextExtractionRemovesAKilledOnesLeftovers() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let exited = try Oracle.run(Oracle.python, ["-c", "import os; print(os.getpid())"], in: directory)
            let deadPID = try #require(Int32(exited.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            let dead = "\(directory)/out/.mkt-extract-\(deadPID)-12345"
            let live = "\(directory)/out/.mkt-extract-\(getpid())-678"
            try writeFile("\(dead)/Album/01.flac", "half unpacked")
            try writeFile("\(live)/Album/01.flac", "being unpacked")
            let maker = """
                import io, sys, tarfile
                with tarfile.open(sys.argv[1], 'w') as t:
                    info = tarfile.TarInfo('Album/01.flac'); info.size = 5; t.addfile(info, io.BytesIO(b'audio'))
                """
            #expect(try Oracle.run(Oracle.python, ["-c", maker, "\(directory)/album.tar"], in: directory).status == 0)
            let added = try MKTProcess.run(["add", "-y", "-q", "album.tar", "--extract-to", "out"], in: directory)
            #expect(added.status == 0, "\(added)")
            let left = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/out").sorted()
            #expect(left == [".mkt-extract-\(getpid())-678", "Album"])
        }
    }
}
