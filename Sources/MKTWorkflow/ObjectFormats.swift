import Foundation
import MKTCrypto
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers

/// Checks and shows object bodies by type.
public enum ObjectFormats {
    /// Refuses a body that is not a well-formed object of `type`, as git's
    /// hash-object does, so that a bad .torrent never enters the store.
    public static func validate(_ body: Data, as type: ObjectType, label: String) throws {
        switch type {
        case .torrent:
            let torrent = try TorrentFile.parse(Array(body), label: label)
            if torrent.announce != nil || !torrent.announceList.isEmpty {
                throw WorkflowError.announceInTorrentObject(label: label)
            }
        case .pieces:
            _ = try named("(\(label))") { () throws(ObjectFormatError) in try PiecesRecord(objectBody: body) }
        case .release:
            _ = try named("(\(label))") { () throws(ObjectFormatError) in try ReleaseObject(objectBody: body) }
        case .meta:
            _ = try named("(\(label))") { () throws(ObjectFormatError) in try MetaSnapshot(objectBody: body) }
        case .receipt:
            _ = try named("(\(label))") { () throws(ObjectFormatError) in try UploadReceipt(objectBody: body) }
        case .blob:
            break
        }
    }

    /// Decodes, naming `object` (an id, or where the body came from) in the error.
    private static func named<Value>(_ object: String, _ decode: () throws(ObjectFormatError) -> Value) throws(ObjectFormatError) -> Value {
        do {
            return try decode()
        } catch {
            throw error.naming(object)
        }
    }

    /// `cat-file -p`: torrents and pieces as readable summaries, the rest as stored.
    public static func pretty(_ object: StoredObject, id: ObjectID) throws -> Data {
        switch object.type {
        case .torrent:
            return Data(describe(try TorrentFile.parse(Array(object.body), label: "object \(id)")).utf8)
        case .pieces:
            let record = try named(id.hex) { () throws(ObjectFormatError) in try PiecesRecord(objectBody: object.body) }
            let hashes = record.hashes
            return Data("""
                release \(record.releaseID)
                length \(hashes.totalLength)
                piece length \(hashes.pieceLength)
                pieces \(hashes.count)

                """.utf8)
        case .blob, .release, .meta, .receipt:
            return object.body
        }
    }

    /// A torrent the way `transmission-show` lays it out.
    public static func describe(_ torrent: TorrentFile) -> String {
        var lines = [
            "Name: \(quoted(torrent.name))",
            "Info hash: \(torrent.infoHashHex)",
            "Private: \(torrent.isPrivate ? "yes" : "no")",
        ]
        if let source = torrent.source { lines.append("Source: \(source)") }
        if torrent.hasVersion2 {
            lines.append("Info hash v2: \(Hex.encode(DigestAlgorithm.sha256.digest(Bencode.dictionary(torrent.info).encoded())))")
            lines.append("Version: hybrid (v1 + v2)")
        }
        if let createdBy = torrent.createdBy { lines.append("Created by: \(createdBy)") }
        if let date = torrent.creationDate {
            lines.append("Created on: \(Date(timeIntervalSince1970: TimeInterval(date)).ISO8601Format())")
        }
        if let comment = torrent.comment { lines.append("Comment: \(comment)") }
        lines.append("Piece length: \(byteCount(torrent.pieceLength)) (\(counted(torrent.pieceCount, "piece")))")
        lines.append("Total size: \(byteCount(torrent.totalLength)) (\(torrent.totalLength) bytes)")
        let files = torrent.files.filter { !$0.isPadding }
        lines.append("")
        lines.append("Files (\(files.count)):")
        for file in files {
            let path = torrent.isSingleFile ? torrent.name : ([torrent.name] + file.path).joined(separator: "/")
            lines.append("  \(quoted(path)) (\(byteCount(file.length)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A file name for a line of output, quoted as git quotes paths: a name
    /// with a control character, `"` or `\` goes in double quotes with C
    /// escapes, so no name can end a line early or forge the next one.
    public static func quoted(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == 0x22 || $0 == 0x5c }) else { return path }
        var quoted: [UInt8] = [0x22]
        for byte in bytes {
            switch byte {
            case 0x0a: quoted += Array(#"\n"#.utf8)
            case 0x09: quoted += Array(#"\t"#.utf8)
            case 0x0d: quoted += Array(#"\r"#.utf8)
            case 0x22, 0x5c: quoted += [0x5c, byte]
            case 0..<0x20, 0x7f: quoted += Array(("\\" + String(byte, radix: 8).leftPadded(to: 3)).utf8)
            default: quoted.append(byte)
            }
        }
        quoted.append(0x22)
        return String(decoding: quoted, as: UTF8.self)
    }

    /// Binary units, as piece lengths are powers of two: "256 KiB", "1.5 GiB".
    public static func byteCount(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        return value == value.rounded() ? "\(Int(value)) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
