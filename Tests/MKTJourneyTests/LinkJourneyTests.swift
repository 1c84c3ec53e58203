import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTestSupport
import Testing

/// fsck follows the links inside every reachable object and queued job; gc
/// keeps what a running writer or a queued job needs.
struct LinkJourneyTests {
    enum Break: String, CaseIterable, CustomTestStringConvertible {
        case metaRelease, metaPieces, metaParent, piecesRelease, receiptTorrent, receiptWrongType, receiptPrevious, queueTorrent, queueDamaged

        var testDescription: String { rawValue }
    }

    /// A store with a release (two meta snapshots), a receipt and a queued job, every link whole.
    struct Store {
        let directory: String
        let release: String, pieces: String, firstMeta: String, meta: String, torrent: String, receipt: String

        init(in directory: String) throws {
            self.directory = directory
            try MKTProcess.run(["init", "-q"], in: directory)
            try FileManager.default.createDirectory(atPath: "\(directory)/album", withIntermediateDirectories: true)
            try writeFile("\(directory)/album/a.bin", String(repeating: "x", count: 5000))
            pieces = try MKTProcess.run(["hash-release", "-w", "\(directory)/album"], in: directory).line
            let objects = ObjectStore(directory: "\(directory)/.mkt/objects")
            let releaseID = try objects.readPieces(try #require(ObjectID(hex: pieces))).releaseID
            release = releaseID.hex
            let piecesID = try #require(ObjectID(hex: pieces))
            func store(_ type: String, _ body: String) throws -> String {
                let result = try MKTProcess.run(["hash-object", "-w", "-t", type, "--literally", "--stdin"], in: directory, input: body)
                #expect(result.status == 0, "\(result)")
                return result.line
            }
            func snapshot(parent: String?) throws -> String {
                let body = MetaSnapshot(description: ReleaseDescription(), release: releaseID, pieces: piecesID, parent: parent.flatMap { ObjectID(hex: $0) })
                return try store("meta", String(decoding: body.objectBody(), as: UTF8.self))
            }
            let firstMeta = try snapshot(parent: nil)
            let meta = try snapshot(parent: firstMeta)
            let torrent = try store("torrent", "d4:infod6:lengthi5000e4:name5:album12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee")
            let receipt = try store("receipt", Self.receipt(torrent: torrent, meta: meta))
            (self.firstMeta, self.meta, self.torrent, self.receipt) = (firstMeta, meta, torrent, receipt)
            try MKTProcess.run(["update-ref", "refs/releases/album", meta], in: directory)
            try MKTProcess.run(["update-ref", "refs/trackers/red/album", receipt], in: directory)
            try writeJob(torrent: torrent)
        }

        static func receipt(torrent: String, meta: String, previous: String? = nil) -> String {
            var receipt = UploadReceipt(tracker: "red", site: "https://red.invalid", torrent: torrent, infohash: String(repeating: "0", count: 40), attempt: 1, started: 0)
            receipt.meta = meta
            receipt.previous = previous
            return String(decoding: receipt.objectBody(), as: UTF8.self)
        }

        func writeJob(torrent: String) throws {
            try FileManager.default.createDirectory(atPath: "\(directory)/.mkt/queue/red", withIntermediateDirectories: true)
            try writeFile(
                "\(directory)/.mkt/queue/red/album.json",
                "{\"meta\":\"\(meta)\",\"priority\":0,\"queued\":0,\"release\":\"album\",\"state\":\"pending\",\"torrent\":\"\(torrent)\",\"tracker\":\"red\"}\n")
        }

        func remove(_ id: String) throws {
            try FileManager.default.removeItem(atPath: "\(directory)/.mkt/objects/\(id.prefix(2))/\(id.dropFirst(2))")
        }
    }

    @Test(arguments: Break.allCases)
    func fsckNamesTheBrokenLink(broken: Break) throws {
        try withTemporaryDirectory { directory in
            let store = try Store(in: directory)
            let clean = try MKTProcess.run(["fsck"], in: directory)
            #expect(clean.status == 0 && clean.stdout.isEmpty, "\(clean)")
            let missing = String(repeating: "ab", count: 32)
            let expected: String
            switch broken {
            case .metaRelease:
                try store.remove(store.release)
                expected = "error: meta \(store.meta): release \(store.release) is missing"
            case .metaPieces:
                try store.remove(store.pieces)
                expected = "error: meta \(store.meta): pieces \(store.pieces) is missing"
            case .metaParent:
                try store.remove(store.firstMeta)
                expected = "error: meta \(store.meta): parent \(store.firstMeta) is missing"
            case .piecesRelease:
                try store.remove(store.release)
                expected = "error: pieces \(store.pieces): release \(store.release) is missing"
            case .receiptTorrent:
                try store.remove(store.torrent)
                expected = "error: receipt \(store.receipt): torrent \(store.torrent) is missing"
            case .receiptWrongType:
                let wrong = try MKTProcess.run(["hash-object", "-w", "-t", "receipt", "--stdin"], in: directory, input: Store.receipt(torrent: store.torrent, meta: store.pieces)).line
                try MKTProcess.run(["update-ref", "refs/trackers/red/album", wrong], in: directory)
                expected = "error: receipt \(wrong): meta \(store.pieces) is a pieces object, not a meta"
            case .receiptPrevious:
                let next = try MKTProcess.run(
                    ["hash-object", "-w", "-t", "receipt", "--stdin"], in: directory, input: Store.receipt(torrent: store.torrent, meta: store.meta, previous: missing)).line
                try MKTProcess.run(["update-ref", "refs/trackers/red/album", next], in: directory)
                expected = "error: receipt \(next): previous \(missing) is missing"
            case .queueTorrent:
                try store.writeJob(torrent: missing)
                expected = "error: queue/red/album.json: torrent \(missing) is missing"
            case .queueDamaged:
                try writeFile("\(directory)/.mkt/queue/red/album.json", "{\"torrent\":\"\(store.torrent)\"}\n")
                expected = "error: queue/red/album.json: damaged: tracker: missing; 'mkt queue cancel red/album' drops it"
            }
            let result = try MKTProcess.run(["fsck"], in: directory)
            #expect(result.status == 1, "\(result)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0 == expected }.count == 1, "\(result)")
            if broken == .queueDamaged {
                #expect(try MKTProcess.run(["queue", "cancel", "red/album"], in: directory).stdout == "cancelled red/album (damaged)\n")
                #expect(try MKTProcess.run(["fsck"], in: directory).status == 0)
            }
        }
    }

    /// `gc --prune=0` keeps a queued job's torrent, which nothing else names.
    @Test func gcKeepsAQueuedJobsTorrent() throws {
        try withTemporaryDirectory { directory in
            let store = try Store(in: directory)
            try MKTProcess.run(["update-ref", "-d", "refs/trackers/red/album"], in: directory)
            #expect(try MKTProcess.run(["gc", "--prune=0"], in: directory).stdout == "removed objects/\(store.receipt.prefix(2))/\(store.receipt.dropFirst(2))\n")
            #expect(try MKTProcess.run(["cat-file", "-t", store.torrent], in: directory).stdout == "torrent\n")
            #expect(try MKTProcess.run(["fsck"], in: directory).status == 0)
        }
    }

    /// A registration left by a writer that died keeps nothing, and gc removes it.
    @Test func aDeadWritersRegistrationIsIgnored() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let gone = try MKTProcess.start(["--version"], in: directory)
            _ = try gone.finish()
            // Registered before the object was written: were it alive, the object would stay.
            let registration = "\(directory)/.mkt/running/\(gone.pid)"
            try FileManager.default.createDirectory(atPath: "\(directory)/.mkt/running", withIntermediateDirectories: true)
            try writeFile(registration, "")
            let loose = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "left by an add that was killed").line
            #expect(try MKTProcess.run(["gc", "--prune=0"], in: directory).stdout == "removed objects/\(loose.prefix(2))/\(loose.dropFirst(2))\n")
            #expect(!FileManager.default.fileExists(atPath: registration))
        }
    }

    /// `gc --prune=0` while an add has written its release object but not
    /// moved its ref (held there by a test seam) keeps that object: the add
    /// ends well and its release reads back whole.
    @Test func gcBesideARunningAddKeepsItsObjects() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let folder = "\(directory)/Artist - Album (2020) [FLAC]"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try writeFile("\(folder)/cover.jpg", String(repeating: "c", count: 100_000))
            // A folder without audio is no release: one track makes it one.
            try Data(FLACFixture.bytes(tags: [("ARTIST", "Artist"), ("ALBUM", "Album"), ("TITLE", "One")])).write(to: URL(fileURLWithPath: "\(folder)/01 One.flac"))
            let signal = "\(directory)/paused"
            let add = try MKTProcess.start(["add", "-y", "-q", folder, "--meta", "media=WEB"], in: directory, environment: ["MKT_TEST_PAUSE_AFTER_RELEASE_WRITE": signal])
            var waited = 0
            while !FileManager.default.fileExists(atPath: signal) && waited < 2000 {
                usleep(10_000)
                waited += 1
            }
            try #require(FileManager.default.fileExists(atPath: signal), "add did not reach the pause")
            let gc = try MKTProcess.run(["gc", "--prune=0"], in: directory)
            #expect(gc.status == 0 && gc.stdout.isEmpty, "the running add's release object stays: \(gc)")
            try FileManager.default.removeItem(atPath: signal)
            let added = try add.finish()
            #expect(added.status == 0, "\(added)")
            let name = try MKTProcess.run(["for-each-ref", "--format=%(refname)", "refs/releases/"], in: directory).line
            let release = String(name.dropFirst("refs/releases/".count))
            for command in [["fsck"], ["ls-release", release], ["verify", release]] {
                let result = try MKTProcess.run(command, in: directory)
                #expect(result.status == 0, "\(command): \(result)")
            }
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/.mkt/running/\(add.pid)"), "a writer that ended takes its registration with it")
        }
    }
}
