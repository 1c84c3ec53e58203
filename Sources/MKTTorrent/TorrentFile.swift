import MKTCrypto

/// A parsed, checked .torrent. Everything in it came from untrusted bytes, so
/// every field is validated: paths cannot escape the download folder, sizes
/// and counts are consistent, and the piece list matches the payload.
public struct TorrentFile: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let path: [String]
        public let length: Int64
        /// BEP 47 padding file (hybrid torrents).
        public let isPadding: Bool
    }

    public let name: String
    public let pieceLength: Int64
    public let pieceCount: Int
    public let files: [Entry]
    public let isSingleFile: Bool
    public let isPrivate: Bool
    public let source: String?
    public let announce: String?
    public let announceList: [[String]]
    public let comment: String?
    public let createdBy: String?
    public let creationDate: Int64?
    /// True for hybrid or v2 torrents (`meta version` in `info`).
    public let hasVersion2: Bool
    public let infoHash: [UInt8]
    /// The whole decoded torrent, for re-encoding with changes.
    public let dictionary: BencodeDictionary
    public let info: BencodeDictionary

    /// Parsing refused a sum past `ReleaseTree.maximumTotalSize`.
    public var totalLength: Int64 { ReleaseTree.total(of: files.map(\.length)) ?? .max }
    public var infoHashHex: String { Hex.encode(infoHash) }

    /// Longest piece accepted (the largest payload is `ReleaseTree.maximumTotalSize`).
    static let maximumPieceLength: Int64 = 256 << 20

    /// - Parameter label: names the input in errors (a file name, or an object id).
    public static func parse(_ bytes: [UInt8], label: String) throws(TorrentError) -> TorrentFile {
        let value: Bencode
        do {
            value = try BencodeDecoder().decode(bytes)
        } catch {
            throw .bencode(source: label, error)
        }
        return try TorrentFile(value, label: label)
    }

    init(_ value: Bencode, label: String) throws(TorrentError) {
        func bad(_ reason: String) -> TorrentError { .invalidTorrent(source: label, reason: reason) }
        guard let top = value.dictionaryValue else { throw bad("not a dictionary") }
        guard let info = top["info"]?.dictionaryValue else { throw bad("no info dictionary") }
        guard let name = info["name"]?.bytesValue else { throw bad("info.name is missing") }
        self.name = try Self.component(name, field: "info.name", label: label)
        guard let pieceLength = info["piece length"]?.integerValue else { throw bad("info.piece length is missing") }
        guard pieceLength > 0, pieceLength <= Self.maximumPieceLength else {
            throw bad("info.piece length \(pieceLength) is out of range (1 to \(Self.maximumPieceLength))")
        }
        self.pieceLength = pieceLength
        guard let pieces = info["pieces"]?.bytesValue else { throw bad("info.pieces is missing") }
        guard pieces.count % 20 == 0 else { throw bad("info.pieces is \(pieces.count) bytes, not a multiple of 20") }
        pieceCount = pieces.count / 20

        var entries: [Entry] = []
        switch (info["length"], info["files"]) {
        case (let length?, nil):
            guard let length = length.integerValue, length >= 0 else { throw bad("info.length is not a size") }
            entries = [Entry(path: [self.name], length: length, isPadding: false)]
            isSingleFile = true
        case (nil, let files?):
            guard let list = files.listValue, !list.isEmpty else { throw bad("info.files is not a list of files") }
            // By bytes: Swift's `==` would take NFC and NFD spellings of one name for one path.
            var seen = Set<[[UInt8]]>()
            for (index, item) in list.enumerated() {
                let field = "info.files[\(index)]"
                guard let file = item.dictionaryValue else { throw bad("\(field) is not a dictionary") }
                guard let length = file["length"]?.integerValue, length >= 0 else { throw bad("\(field).length is not a size") }
                guard let rawPath = file["path"]?.listValue, !rawPath.isEmpty else { throw bad("\(field).path is missing or empty") }
                var path: [String] = []
                for component in rawPath {
                    guard let bytes = component.bytesValue else { throw bad("\(field).path has a non-string component") }
                    path.append(try Self.component(bytes, field: "\(field).path", label: label))
                }
                guard seen.insert(path.map { Array($0.utf8) }).inserted else { throw bad("\(field).path \(path.joined(separator: "/")) appears twice") }
                let attributes = file["attr"]?.stringValue ?? ""
                entries.append(Entry(path: path, length: length, isPadding: attributes.contains("p")))
            }
            try Self.checkNoFileIsAFolder(entries.map(\.path), label: label)
            isSingleFile = false
        case (nil, nil):
            throw bad("info has neither length nor files")
        case (.some, .some):
            throw bad("info has both length and files")
        }
        files = entries
        guard let total = ReleaseTree.total(of: entries.map(\.length)) else { throw bad("total size is larger than 1 PiB") }
        let expectedPieces = Int((total + pieceLength - 1) / pieceLength)
        guard expectedPieces == pieceCount else {
            throw bad("info.pieces has \(pieceCount) hashes, but \(total) bytes in \(pieceLength)-byte pieces need \(expectedPieces)")
        }
        if let flag = info["private"] {
            guard let value = flag.integerValue, value == 0 || value == 1 else { throw bad("info.private is not 0 or 1") }
            isPrivate = value == 1
        } else {
            isPrivate = false
        }
        source = try Self.optionalText(info["source"], field: "info.source", label: label)
        announce = try Self.optionalText(top["announce"], field: "announce", label: label)
        var tiers: [[String]] = []
        if let list = top["announce-list"] {
            guard let rawTiers = list.listValue else { throw bad("announce-list is not a list") }
            for tier in rawTiers {
                guard let urls = tier.listValue else { throw bad("announce-list is not a list of lists of URLs") }
                var strings: [String] = []
                for url in urls {
                    guard let text = url.stringValue else { throw bad("announce-list holds a URL that is not UTF-8 text") }
                    strings.append(text)
                }
                tiers.append(strings)
            }
        }
        announceList = tiers
        comment = try Self.optionalText(top["comment"], field: "comment", label: label)
        createdBy = try Self.optionalText(top["created by"], field: "created by", label: label)
        creationDate = top["creation date"]?.integerValue
        hasVersion2 = info["meta version"] != nil
        infoHash = TorrentBuilder.infoHash(info)
        dictionary = top
        self.info = info
    }

    /// A file or folder name that is safe to create under the download folder.
    static func component(_ bytes: [UInt8], field: String, label: String) throws(TorrentError) -> String {
        if let problem = componentProblem(bytes) { throw .invalidTorrent(source: label, reason: "\(field): \(problem)") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Why `bytes` is not a file or folder name that is safe to create under
    /// the download folder, or nil when it is one.
    public static func componentProblem(_ bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return "name is not UTF-8: \(ReleaseScanner.escape(bytes))" }
        if text.isEmpty { return "empty name (an absolute path or '//')" }
        if text == "." || text == ".." { return "'\(text)' is not allowed" }
        if text.contains("/") { return "name '\(ReleaseScanner.escape(Array(text.utf8)))' contains '/'" }
        if bytes.contains(0) { return "name contains a NUL byte" }
        return nil
    }

    private static func optionalText(_ value: Bencode?, field: String, label: String) throws(TorrentError) -> String? {
        guard let value else { return nil }
        guard let text = value.stringValue else { throw .invalidTorrent(source: label, reason: "\(field) is not UTF-8 text") }
        return text
    }

    /// `a` and `a/b` cannot both be files.
    private static func checkNoFileIsAFolder(_ paths: [[String]], label: String) throws(TorrentError) {
        let files = Set(paths.map { $0.map { Array($0.utf8) } })
        for path in paths where path.count > 1 {
            for end in 1..<path.count where files.contains(path[..<end].map { Array($0.utf8) }) {
                throw .invalidTorrent(source: label, reason: "\(path[..<end].joined(separator: "/")) is both a file and a folder")
            }
        }
    }
}
