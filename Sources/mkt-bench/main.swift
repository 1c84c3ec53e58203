import Foundation
import MKTCredentials
import MKTObjects
import MKTStore
import MKTMetadata
import MKTTorrent
import MKTTrackers
import MKTWorkflow

// Benchmarks for numbers the issues ask for. Build in release mode:
//   swift run -c release mkt-bench store [COUNT]    durable object writes and verified reads
//   swift run -c release mkt-bench startup [RUNS]   `mkt --version` wall time, median
//   swift run -c release mkt-bench hash PATH [PIECE-LENGTH] [RUNS]   scan + piece hashing, median
//   swift run -c release mkt-bench torrents PATH     5 tracker torrents from one stored pieces object, against one hash pass
//   swift run -c release mkt-bench credentials       unlock the credential store (PBKDF2, 600,000 iterations) and read a key
//   swift run -c release mkt-bench history [RELEASES] [RECEIPTS]   mkt status, log and stats on a store with that history
// Nothing here is a test: it prints numbers and asserts nothing.

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func benchStore(count: Int) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let repository = try Repository.initialize(in: directory, hookSamples: []).repository
    // Receipt-sized bodies (~400 bytes), all distinct.
    let bodies = (0..<count).map { Data("{\"attempt\":\($0),\"tracker\":\"red\",\"padding\":\"\(String(repeating: "x", count: 360))\"}".utf8) }
    var ids: [ObjectID] = []
    let writeTime = try seconds {
        for body in bodies { ids.append(try repository.objects.write(type: .receipt, body: body)) }
    }
    let readTime = try seconds {
        for id in ids { _ = try repository.objects.read(id) }
    }
    let refTime = try seconds {
        for (index, id) in ids.prefix(200).enumerated() {
            try repository.update([RefUpdate(name: "refs/trackers/red/r\(index % 20)", action: .set(id))], message: "bench")
        }
    }
    print(String(format: "objects written (fsync file + dir, re-hash): %d in %.2f s = %.0f objects/s (%.2f ms each)", count, writeTime, Double(count) / writeTime, writeTime * 1000 / Double(count)))
    print(String(format: "objects read and verified: %.0f objects/s", Double(count) / readTime))
    print(String(format: "ref updates (lock, reflog, write, fsync): %.0f updates/s (%.2f ms each)", 200 / refTime, refTime * 1000 / 200))
}

/// The wall times of `runs` runs of the `mkt` beside this binary, output to /dev/null.
func timeMKT(_ arguments: [String], runs: Int) -> [Double] {
    let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mkt").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        print("no mkt binary at \(binary); build it first (swift build -c release)")
        exit(1)
    }
    // posix_spawn, not Foundation's Process, whose own set-up costs ~40 ms a launch.
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
    return (0..<runs).map { _ in
        seconds {
            var pid: pid_t = 0
            guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else { fatalError("cannot start \(binary)") }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

func benchStartup(runs: Int) throws {
    let times = timeMKT(["--version"], runs: runs)
    print(String(format: "mkt --version: median %.1f ms, min %.1f ms over %d runs", median(times) * 1000, times.min()! * 1000, runs))
}

/// A store with `releases` releases and `receipts` receipts (two trackers,
/// chains of equal length), then `mkt status`, `log` and `stats` timed on it.
func benchHistory(releases: Int, receipts: Int) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-bench-\(UUID().uuidString)").path
    // MKT_BENCH_KEEP=1 leaves the store for a profiler.
    let keep = ProcessInfo.processInfo.environment["MKT_BENCH_KEEP"] == "1"
    defer { if keep { print("store kept in \(directory)") } else { try? FileManager.default.removeItem(atPath: directory) } }
    let repository = try Repository.initialize(in: directory, hookSamples: []).repository
    let perChain = max(1, receipts / (releases * 2))
    let outcomes: [UploadReceipt.Outcome] = [.failed, .outcomeUnknown, .success]
    let made = try seconds {
        var updates: [RefUpdate] = []
        for number in 0..<releases {
            let name = "bench-artist-album-\(number)-2024-flac"
            var description = ReleaseDescription()
            description.title = "Album \(number)"
            let snapshot = MetaSnapshot(description: description, release: ObjectID(hex: String(repeating: "a", count: 64))!, pieces: ObjectID(hex: String(repeating: "b", count: 64))!)
            let meta = try repository.objects.write(type: .meta, body: snapshot.objectBody())
            updates.append(RefUpdate(name: "refs/releases/\(name)", action: .set(meta)))
            for tracker in ["red", "ops"] {
                var previous: ObjectID?
                for attempt in 1...perChain {
                    var receipt = UploadReceipt(tracker: tracker, site: "https://\(tracker).example", torrent: String(repeating: "c", count: 64), infohash: String(repeating: "d", count: 40), attempt: attempt, started: 1_760_000_000_000 + Int64(number * 100_000 + attempt * 1000))
                    receipt.finished = receipt.started + 800
                    receipt.previous = previous?.hex
                    receipt.outcome = attempt == perChain ? .success : outcomes[attempt % 2]
                    receipt.category = receipt.outcome == .success ? nil : .server
                    receipt.url = "https://\(tracker).example/torrents.php?id=\(number)&torrentid=\(number)"
                    previous = try repository.objects.write(type: .receipt, body: try receipt.objectBody())
                }
                updates.append(RefUpdate(name: "refs/trackers/\(tracker)/\(name)", action: .set(previous!)))
            }
            if updates.count >= 300 {
                try repository.update(updates, message: "bench")
                updates = []
            }
        }
        try repository.update(updates, message: "bench")
    }
    print(String(format: "made %d releases and %d receipts in %.1f s", releases, releases * 2 * perChain, made))
    for command in [["status"], ["log"], ["log", "--oneline"], ["log", "-n", "20"], ["stats"]] {
        let times = timeMKT(["-C", directory] + command, runs: 5)
        print(String(format: "mkt %@: median %.0f ms, min %.0f ms over 5 runs", command.joined(separator: " "), median(times) * 1000, times.min()! * 1000))
    }
}

func benchHash(path: String, pieceLength: Int64?, runs: Int) throws {
    var times: [Double] = []
    var last: PieceHashes?
    var tree: ReleaseTree?
    for _ in 0..<runs {
        times.append(try seconds {
            let scanned = try ReleaseScanner.scan(path)
            let environment = ProcessInfo.processInfo.environment
            var hasher = PieceHasher()
            if let workers = environment["MKT_BENCH_WORKERS"].flatMap(Int.init) { hasher.workerCount = workers }
            if let readSize = environment["MKT_BENCH_READ_SIZE"].flatMap(Int.init) { hasher.readSize = readSize }
            last = try hasher.hash(scanned, pieceLength: pieceLength ?? PieceLength.automatic(totalSize: scanned.tree.totalSize))
            tree = scanned.tree
        })
    }
    let bytes = Double(tree!.totalSize)
    print(String(format: "hash %@: %d files, %.0f MB, piece %d KiB: median %.3f s = %.0f MB/s (min %.3f s) over %d runs, %d workers",
        path, tree!.files.count, bytes / 1e6, Int(last!.pieceLength >> 10), median(times), bytes / 1e6 / median(times), times.min()!, runs,
        ProcessInfo.processInfo.activeProcessorCount))
}

func benchTorrents(path: String) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let repository = try Repository.initialize(in: directory, hookSamples: []).repository
    var release: StoredRelease?
    let hashTime = try seconds { release = try repository.addRelease(at: path).release }
    let sources = ["RED", "OPS", "DICMusic", "SEEDPOOL", "LST"]
    var buildTimes: [Double] = []
    var loadTimes: [Double] = []
    for _ in 0..<5 {
        var stored: StoredRelease?
        // Loading the release from the store, as every command does once.
        loadTimes.append(try seconds { stored = try repository.release(named: release!.piecesID.hex) })
        buildTimes.append(try seconds {
            // A fresh comment each round, so every object is new and written durably.
            let round = UUID().uuidString
            _ = try repository.writeTorrents(for: stored!, options: sources.map { TorrentOptions(source: $0, comment: round) })
        })
    }
    print(String(format: "5 tracker torrents from one pieces object (%d files, %d pieces): median %.1f ms = %.2f%% of one hash pass (%.3f s); loading the release first: %.1f ms",
        release!.tree.files.count, release!.pieces.count, median(buildTimes) * 1000, median(buildTimes) / hashTime * 100, hashTime, median(loadTimes) * 1000))
}

func benchSteps(path: String) throws {
    var scan: ReleaseScan?
    print(String(format: "scan %.3f s", try seconds { scan = try ReleaseScanner.scan(path) }))
    var body = Data()
    print(String(format: "encode release JSON %.3f s (%d bytes)", seconds { body = scan!.tree.objectBody() }, body.count))
    print(String(format: "decode release JSON %.3f s", try seconds { _ = try ReleaseTree(objectBody: body) }))
    var hashes: PieceHashes?
    print(String(format: "hash %.3f s", try seconds { hashes = try PieceHasher().hash(scan!, pieceLength: 262144) }))
    var template: TorrentTemplate?
    print(String(format: "torrent template %.3f s", seconds { template = TorrentTemplate(tree: scan!.tree, pieces: hashes!) }))
    print(String(format: "one torrent from the template %.4f s", seconds { _ = template!.torrent(options: TorrentOptions(source: "RED")) }))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let repository = try Repository.initialize(in: directory, hookSamples: []).repository
    print(String(format: "write release object %.3f s", try seconds { _ = try repository.objects.write(type: .release, body: body) }))
    print(String(format: "addRelease %.3f s", try seconds { _ = try repository.addRelease(at: path) }))
    print(String(format: "addRelease again %.3f s", try seconds { _ = try repository.addRelease(at: path) }))
}

func benchCredentials(runs: Int) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = "\(directory)/mkt/credentials"
    let password = Array("benchmark password".utf8)
    let store = try CredentialStore.create(at: path, password: password)
    for tracker in ["red", "ops", "dic"] {
        try store.add(tracker: tracker, kind: .apiKey, secret: "\(tracker)-key-0123456789abcdef", label: "", replacing: false)
        try store.add(tracker: tracker, kind: .passkey, secret: "\(tracker)-passkey-0123456789abcdef", label: "", replacing: false)
    }
    try store.save()
    var unlock: [Double] = []
    var read: [Double] = []
    for _ in 0..<runs {
        var opened: CredentialStore?
        unlock.append(try seconds { opened = try CredentialStore.open(at: path, password: password) })
        read.append(try seconds { _ = try opened!.use(tracker: "ops", kind: .passkey) })
    }
    print(String(format: "credential store: unlock (PBKDF2-HMAC-SHA256, %d iterations) median %.1f ms; reading one key after that median %.3f ms; %d runs",
        CredentialStore.defaultIterations, median(unlock) * 1000, median(read) * 1000, runs))
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "store": try benchStore(count: arguments.dropFirst().first.flatMap(Int.init) ?? 2000)
case "startup": try benchStartup(runs: arguments.dropFirst().first.flatMap(Int.init) ?? 50)
case "history": try benchHistory(releases: arguments.dropFirst().first.flatMap(Int.init) ?? 1000, receipts: arguments.dropFirst(2).first.flatMap(Int.init) ?? 20000)
case "credentials": try benchCredentials(runs: arguments.dropFirst().first.flatMap(Int.init) ?? 9)
case "steps" where arguments.count == 2: try benchSteps(path: Array(arguments)[1])
case "torrents" where arguments.count == 2: try benchTorrents(path: Array(arguments)[1])
case "hash" where arguments.count >= 2:
    let rest = Array(arguments.dropFirst(2))
    try benchHash(path: Array(arguments)[1], pieceLength: rest.first.flatMap(Int64.init), runs: rest.dropFirst().first.flatMap(Int.init) ?? 5)
default:
    print("usage: mkt-bench (store [COUNT] | startup [RUNS] | history [RELEASES] [RECEIPTS] | hash PATH [PIECE-LENGTH] [RUNS] | torrents PATH | credentials [RUNS])")
    exit(64)
}
