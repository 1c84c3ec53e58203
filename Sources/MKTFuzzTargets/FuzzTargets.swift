import Foundation
import MKTConfig
import MKTMetadata
import MKTObjects
import MKTRipLog
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow

/// Entry points for fuzzing: each takes arbitrary bytes and must neither
/// trap nor break an invariant. `mkt-fuzz` runs them under libFuzzer, and
/// `swift test` replays the committed corpus through them.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "bencode": bencode, "torrent": torrent, "object": object, "receipt": receipt, "meta": meta, "release": release, "pieces": pieces,
        "config": config, "sanitizer": sanitizer, "riplog": ripLog, "stored": stored,
        "flac": { audio($0, magic: Array("fLaC".utf8), container: "FLAC") },
        "ogg": { audio($0, magic: Array("OggS".utf8), container: "Ogg") },
        "mp3": { audio($0, magic: [0xFF], container: "MP3") },
        "id3": { audio($0, magic: Array("ID3".utf8), container: nil) },  // an ID3 tag may precede FLAC too
        "mp4": { audio($0, magic: mp4Magic, container: "MP4") },
    ]

    /// Any bytes score as a log: between 0 and 100 as shown, every logged copy CRC eight hex digits.
    public static func ripLog(_ bytes: [UInt8]) {
        let report = RipLogChecker.check(bytes)
        precondition((0...100).contains(report.score), "a log scored \(report.score)")
        precondition(report.tracks.allSatisfy { $0.copyCRC.count == 8 && $0.copyCRC.allSatisfy(\.isHexDigit) }, "a copy CRC that is not one")
    }

    /// Whatever the strict decoder accepts must re-encode to the same bytes.
    public static func bencode(_ bytes: [UInt8]) {
        guard let value = try? BencodeDecoder().decode(bytes) else { return }
        let encoded = value.encoded()
        precondition(encoded == bytes, "accepted bencode did not round-trip")
    }

    /// A parsed torrent's paths are safe and its sizes agree with its pieces.
    public static func torrent(_ bytes: [UInt8]) {
        guard let torrent = try? TorrentFile.parse(bytes, label: "fuzz") else { return }
        for file in torrent.files {
            precondition(!file.path.isEmpty && file.path.allSatisfy { !$0.isEmpty && $0 != ".." && $0 != "." && !$0.contains("/") }, "unsafe path accepted")
        }
        let needed = PieceHashes.pieceCount(totalLength: torrent.totalLength, pieceLength: torrent.pieceLength)
        precondition(torrent.pieceCount == needed, "piece count disagrees with the payload")
    }

    /// A stored object's bytes: what decodes is exactly what the writer would
    /// write for that type and body, and it hashes to its own id.
    public static func object(_ bytes: [UInt8]) {
        let data = Data(bytes)
        guard case .success(let object) = LooseObject.decode(data, expected: nil) else { return }
        precondition(LooseObject.encode(type: object.type, body: object.body) == data, "accepted object bytes the writer would not write")
        let id = LooseObject.id(type: object.type, body: object.body)
        guard case .success = LooseObject.decode(data, expected: id) else { preconditionFailure("an object does not hash to its id") }
    }

    /// A receipt body that parses survives writing and reading again unchanged.
    public static func receipt(_ bytes: [UInt8]) {
        guard let receipt = try? UploadReceipt(objectBody: Data(bytes)) else { return }
        precondition((try? UploadReceipt(objectBody: try receipt.objectBody())) == receipt, "a receipt changed through a round trip")
    }

    /// A meta body that parses survives writing and reading again unchanged.
    public static func meta(_ bytes: [UInt8]) {
        guard let snapshot = try? MetaSnapshot(objectBody: Data(bytes)) else { return }
        guard let again = try? MetaSnapshot(objectBody: snapshot.objectBody()) else { preconditionFailure("a meta body mkt wrote does not parse") }
        precondition(again == snapshot, "a meta snapshot changed through a round trip")
    }

    /// A release body of either format that parses gives a tree whose
    /// format-2 body parses back to the same tree, with no stat data.
    public static func release(_ bytes: [UInt8]) {
        guard let object = try? ReleaseObject(objectBody: Data(bytes)) else { return }
        precondition(object.recordedScan.map { $0.tree == object.tree && $0.stats.count == object.tree.files.count } ?? true, "a format-1 scan disagrees with its tree")
        guard let again = try? ReleaseObject(objectBody: object.tree.objectBody()) else { preconditionFailure("a release body mkt wrote does not parse") }
        precondition(again.tree == object.tree && again.recordedScan == nil, "a release tree changed through a round trip")
    }

    /// Bodies as the commands read them from the store, not only parsed: the
    /// bytes up to the first NUL are a `release` body, up to the second a
    /// `pieces` body, the rest a `receipt` body. A receipt that parses is
    /// summarised as `mkt stats` does (and its HTML report made); a release is
    /// listed as `ls-release` lists it; with pieces that agree with it, the
    /// pieces of each file are planned as `verify` plans them, and a torrent is
    /// made as `make-torrent --release` makes it, which must parse back with
    /// the release's size and file count.
    public static func stored(_ bytes: [UInt8]) {
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false).map { Data($0) }
        guard parts.count == 3 else { return }
        if let receipt = try? UploadReceipt(objectBody: parts[2]) {
            let entry = HistoryEntry(id: LooseObject.id(type: .receipt, body: parts[2]), release: "fuzz", receipt: receipt)
            let stats = UploadStats.compute([entry, entry])
            _ = StatsReport.html(stats, generated: Date(timeIntervalSince1970: 0), since: nil)
            _ = UploadStats.isoWeek(receipt.started)
        }
        guard let release = try? ReleaseObject(objectBody: parts[0]) else { return }
        let tree = release.tree
        precondition((0...ReleaseTree.maximumTotalSize).contains(tree.totalSize), "a release of \(tree.totalSize) bytes accepted")
        for file in tree.files { _ = "\(file.size)\t\(ObjectFormats.quoted(file.path))" }
        _ = PieceLength.automatic(totalSize: tree.totalSize)
        let releaseID = LooseObject.id(type: .release, body: parts[0])
        guard let record = try? PiecesRecord(objectBody: parts[1]), record.releaseID == releaseID,
            (try? record.check(against: tree, object: releaseID)) != nil else { return }
        let pieces = record.hashes
        for (file, offset) in zip(tree.files, tree.offsets) where file.size > 0 {
            let last = (offset.addingReportingOverflow(file.size).partialValue - 1) / pieces.pieceLength
            precondition(last < Int64(pieces.count), "a file past the last piece")
        }
        let torrent = TorrentTemplate(tree: tree, pieces: pieces).torrent(options: TorrentOptions(source: "FUZZ"))
        guard let parsed = try? TorrentFile.parse(torrent, label: "fuzz") else { preconditionFailure("a torrent made from a stored release does not parse") }
        precondition(parsed.totalLength == tree.totalSize && parsed.files.count == tree.files.count, "a torrent made from a stored release disagrees with it")
    }

    /// A pieces body that parses is exactly what the writer writes for it (bencode is canonical).
    public static func pieces(_ bytes: [UInt8]) {
        guard let record = try? PiecesRecord(objectBody: Data(bytes)) else { return }
        precondition(record.objectBody() == Data(bytes), "accepted pieces bytes the writer would not write")
    }

    /// A config that parses answers every key with its last value, and
    /// checking it against the registry never traps.
    public static func config(_ bytes: [UInt8]) {
        guard let config = try? Config.parse(String(decoding: bytes, as: UTF8.self), path: "fuzz") else { return }
        _ = try? config.validate(.store)
        for entry in config.entries {
            precondition(!entry.key.isEmpty && !entry.section.isEmpty, "an entry without a name")
            let last = config.entries.last { $0.section == entry.section && $0.subsection == entry.subsection && $0.key == entry.key }!
            precondition(config.value(entry.section, entry.key, subsection: entry.subsection) == last.value, "a key does not answer its last value")
        }
    }

    /// Cleaning takes time in proportion to the text: one input (up to 1 MB)
    /// that takes more than 0.5 s plus 1 s per MB of processor time traps, so
    /// quadratic work fails the run. What comes out is clean: no control
    /// character but the line break, no space at either end of a line or two
    /// in a row, no blank line at either end or two in a row, and NFC.
    public static func sanitizer(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var cleaned = ""
        let seconds = processorSeconds {
            cleaned = TextSanitizer.clean(text)
            _ = try? TextSanitizer.clean(json: Data(bytes))
        }
        let limit = 0.5 + Double(bytes.count) / Double(1 << 20)
        precondition(seconds < limit, "cleaning \(bytes.count) bytes took \(seconds) s (the limit is \(limit) s)")
        precondition(!cleaned.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }, "a control character left")
        let lines = cleaned.isEmpty ? [] : cleaned.split(separator: "\n", omittingEmptySubsequences: false)
        precondition(lines.first?.isEmpty != true && lines.last?.isEmpty != true, "a blank line at an end")
        for (line, next) in zip(lines, lines.dropFirst()) { precondition(!line.isEmpty || !next.isEmpty, "two blank lines in a row") }
        for line in lines where !line.isEmpty {
            precondition(!line.split(separator: " ", omittingEmptySubsequences: false).contains { $0.isEmpty }, "a space too many")
        }
        precondition(Array(cleaned.utf8) == cleaned._nfcCodeUnits, "not NFC")
    }

    /// The processor time this thread spends in `body`: a busy machine does not make it longer.
    static func processorSeconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    /// An `ftyp` box, so that the bytes after it are read as MP4 boxes.
    static let mp4Magic: [UInt8] = [0, 0, 0, 16] + Array("ftypM4A ".utf8) + [0, 0, 0, 0]

    /// One audio reader, reached through the probe by the magic that selects
    /// it: what it accepts is reported in its own container, with sane numbers.
    static func audio(_ bytes: [UInt8], magic: [UInt8], container: String?) {
        let file = magic + bytes
        guard let facts = try? AudioProbe.probe(bytes: file, path: "fuzz", fileSize: file.count) else { return }
        precondition(facts.container == (container ?? facts.container), "read as \(facts.container), not \(container ?? "")")
        precondition(facts.sampleRate >= 0 && facts.channels >= 0 && (facts.durationMilliseconds ?? 0) >= 0 && (facts.bitrate ?? 0) >= 0
                     && (facts.sampleCount ?? 0) >= 0, "negative audio facts")
        for picture in facts.pictures { precondition(picture.byteCount >= 0 && picture.width >= 0 && picture.height >= 0, "negative picture facts") }
    }
}
