import Foundation
import MKTTestSupport
import Testing

/// `mkt add` with the file layer's fault seam (MKTStore's WriteFaults):
/// a full disk at each write in turn, and a crash before each write in turn.
@Suite(.enabled(if: AudioFixtures.available, "the audio tools are missing (scripts/apt-deps.sh test installs them)"))
struct FaultJourneyTests {
    static func folder(in directory: String) throws -> String {
        let folder = "\(directory)/music/Fixture Artist - Fixture Album (2019) [FLAC]"
        try FileManager.default.createDirectory(atPath: "\(directory)/music", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]", toPath: folder)
        return folder
    }

    static func refs(_ store: String) throws -> String { try MKTProcess.run(["for-each-ref"], in: store).stdout }

    /// The meta id an uninterrupted `mkt add` gives, and how many durable writes it makes.
    static func reference(_ folder: String, in directory: String) throws -> String {
        let store = "\(directory)/reference"
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        try MKTProcess.run(["init", "-q"], in: store)
        #expect(try MKTProcess.run(["add", "-y", "-q", folder], in: store).status == 0)
        return try refs(store)
    }

    /// The store's files, by path under the store, with their bytes.
    static func storeFiles(_ store: String) throws -> [String: Data] {
        Dictionary(uniqueKeysWithValues: try DurabilityJourneyTests.contents(of: ["\(store)/.mkt"]).map { (String($0.key.dropFirst(store.count)), $0.value) })
    }

    /// ENOSPC at the Nth write, for every N,
    /// once and from then on: one line naming the file, exit 1, no ref moved,
    /// fsck clean, the store is as it was after `mkt gc --prune=0` (the
    /// pieces cache aside), and the next `mkt add` gives what an
    /// uninterrupted one gives.
    @Test(arguments: ["", "+"])
    func aFullDiskAtEveryWriteOfAdd(onwards: String) throws {
        try withTemporaryDirectory { directory in
            let folder = try Self.folder(in: directory)
            let expected = try Self.reference(folder, in: directory)
            let pristine = "\(directory)/pristine"
            try FileManager.default.createDirectory(atPath: pristine, withIntermediateDirectories: true)
            try MKTProcess.run(["init", "-q"], in: pristine)
            let before = try Self.storeFiles(pristine)
            var failures = 0
            for write in 1...60 {
                let store = "\(directory)/enospc-\(write)"
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                try MKTProcess.run(["init", "-q"], in: store)
                let added = try MKTProcess.run(["add", "-y", "-q", folder], in: store, environment: ["MKT_TEST_FAIL_WRITE": "\(write)\(onwards)"])
                if added.status == 0 {
                    #expect(try Self.refs(store) == expected)
                    break
                }
                failures += 1
                #expect(added.status == 1)
                #expect(added.stderr.hasPrefix("error: cannot write '") && added.stderr.hasSuffix("': No space left on device\n")
                        && added.stderr.split(separator: "\n").count == 1, "write \(write): \(added)")
                #expect(try Self.refs(store).isEmpty, "write \(write): no ref may move")
                #expect(try MKTProcess.run(["fsck"], in: store).status == 0, "write \(write)")
                // Without the pieces cache (which keeps the hashing work on purpose, and its objects), gc leaves the store as it was.
                try? FileManager.default.removeItem(atPath: "\(store)/.mkt/cache")
                #expect(try MKTProcess.run(["gc", "--prune=0"], in: store).status == 0)
                let after = try Self.storeFiles(store)
                #expect(after == before, "write \(write): left \(Set(after.keys).subtracting(before.keys).sorted())")
                #expect(try MKTProcess.run(["add", "-y", "-q", folder], in: store).status == 0)
                #expect(try Self.refs(store) == expected, "write \(write)")
            }
            #expect(failures >= 4, "mkt add makes at least the release, pieces and meta objects and the ref")
        }
    }

    /// Whether this machine lets a process mount a tmpfs in its own mount namespace.
    static let privateMounts: Bool = {
        (try? MKTProcess.shell("unshare -r -m sh -c 'mount -t tmpfs -o size=64k tmpfs /mnt' 2>/dev/null", in: "/").status) == 0
    }()

    /// A real full disk: the store on a small tmpfs (in a private mount
    /// namespace) with a filler file leaving 0 to 40 kB free, so the kernel's
    /// ENOSPC lands on a different write each time. Each failed add says so
    /// in one line and leaves no ref, fsck is clean, and once the filler is
    /// gone the same add gives what an uninterrupted one gives.
    @Test(.enabled(if: privateMounts, "this machine does not allow a private tmpfs mount (unshare -r -m)"))
    func aRealFullDisk() throws {
        try withTemporaryDirectory { directory in
            let folder = try Self.folder(in: directory)
            let expected = try Self.reference(folder, in: directory)
            let mountPoint = "\(directory)/small"
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            let script = """
                set -u
                mount -t tmpfs -o size=256k tmpfs "$1" || exit 99
                cd "$1"
                mkt init -q || exit 98
                free=$(df --output=avail -B1 . | tail -1)
                head -c $((free - $2)) /dev/zero > filler 2>/dev/null
                mkt add -y -q "$3" 2>"$1/../stderr"
                echo "status=$?"
                echo "stderr=$(cat "$1/../stderr")"
                echo "refs=$(mkt for-each-ref)"
                mkt fsck -q >/dev/null 2>&1; echo "fsck=$?"
                rm filler
                mkt add -y -q "$3"; echo "again=$?"
                echo "after=$(mkt for-each-ref)"
                """
            var failures = 0
            for free in stride(from: 0, through: 40_960, by: 4096) {
                let result = try MKTProcess.shell("unshare -r -m sh -c '\(script)' sh '\(mountPoint)' \(free) '\(folder)'", in: directory)
                let lines = Dictionary(uniqueKeysWithValues: result.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                    guard let equals = line.firstIndex(of: "=") else { return nil }
                    return (String(line[..<equals]), String(line[line.index(after: equals)...]))
                })
                #expect(result.status == 0, "\(free) bytes free: \(result)")
                let reference = expected.trimmingCharacters(in: .newlines)
                if lines["status"] == "1" {
                    failures += 1
                    let message = lines["stderr"] ?? ""
                    #expect(message.hasPrefix("error: cannot ") && message.hasSuffix(": No space left on device") && !message.contains("\n"), "\(free): \(message)")
                    #expect(lines["refs"] == "", "\(free) bytes free: no ref may move")
                } else {
                    #expect(lines["status"] == "0" && lines["refs"] == reference, "\(free): \(result)")
                }
                #expect(lines["fsck"] == "0" && lines["again"] == "0" && lines["after"] == reference, "\(free): \(result)")
            }
            #expect(failures >= 2, "the filler left too much room for any write to fail")
        }
    }

    /// §7 item 1: killed before each write in turn (as kill -9 would), the
    /// store has the ref old or new, `mkt gc` and `mkt fsck` find it sound,
    /// and adding again gives what an uninterrupted add gives.
    @Test func aCrashBeforeEveryWriteOfAdd() throws {
        try withTemporaryDirectory { directory in
            let folder = try Self.folder(in: directory)
            let expected = try Self.reference(folder, in: directory)
            var crashes = 0
            for write in 1...60 {
                let store = "\(directory)/crash-\(write)"
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                try MKTProcess.run(["init", "-q"], in: store)
                let added = try MKTProcess.run(["add", "-y", "-q", folder], in: store, environment: ["MKT_TEST_CRASH_AT_WRITE": String(write)])
                if added.status == 0 { break }
                crashes += 1
                #expect(added.status == 137, "write \(write): \(added)")
                let after = try Self.refs(store)
                #expect(after.isEmpty || after == expected, "write \(write): the ref is old or new")
                #expect(try MKTProcess.run(["gc"], in: store).status == 0)
                let fsck = try MKTProcess.run(["fsck"], in: store)
                #expect(fsck.status == 0, "write \(write): \(fsck)")
                #expect(try MKTProcess.run(["add", "-y", "-q", folder], in: store).status == 0)
                #expect(try Self.refs(store) == expected, "write \(write)")
            }
            #expect(crashes >= 4)
        }
    }

    /// §7 item 5: two `mkt add` of the same folder at once (100 rounds; 10 under MKT_TEST_QUICK) both
    /// succeed with one snapshot; a third of another folder and a `mkt gc`
    /// run alongside, and both folders end up referenced.
    @Test func parallelAddsOfOneAndOfTwoFolders() throws {
        try withTemporaryDirectory { directory in
            let folder = try Self.folder(in: directory)
            let expected = try Self.reference(folder, in: directory)
            let other = "\(directory)/music/Fixture Artist - Other Album (2019) [FLAC]"
            try FileManager.default.copyItem(atPath: folder, toPath: other)
            for round in 1...TestDepth.rounds(100, quick: 10) {
                let store = "\(directory)/parallel-\(round)"
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                try MKTProcess.run(["init", "-q"], in: store)
                let first = try MKTProcess.start(["add", "-y", "-q", folder], in: store)
                let second = try MKTProcess.start(["add", "-y", "-q", folder], in: store)
                let third = try MKTProcess.start(["add", "-y", "-q", other], in: store)
                let collector = try MKTProcess.start(["gc"], in: store)
                for result in [try first.finish(), try second.finish(), try third.finish(), try collector.finish()] {
                    #expect(result.status == 0, "round \(round): \(result)")
                }
                let refs = try Self.refs(store)
                #expect(refs.contains(expected.trimmingCharacters(in: .newlines)) && refs.contains("refs/releases/fixture-artist-other-album-2019-flac"), "round \(round): \(refs)")
                #expect(try MKTProcess.run(["fsck"], in: store).status == 0)
            }
        }
    }
}
