import Foundation

/// Everything the torrent engine refuses, with the path or value concerned.
public enum TorrentError: Error, Equatable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    case notUTF8Name(directory: String, escapedName: String)
    case unsupportedFileType(path: String, kind: String)
    case symlinkOutside(path: String, target: String)
    case symlinkLoop(path: String)
    case emptyRelease(path: String)
    case tooLarge(path: String)
    case changedWhileHashing(path: String)
    case badPieceLength(Int64)
    case bencode(source: String, BencodeError)
    case invalidTorrent(source: String, reason: String)
    case dataMismatch(piece: Int, files: [String])

    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
        case .notUTF8Name(let directory, let name):
            "\(directory): file name is not UTF-8: \(name)"
        case .unsupportedFileType(let path, let kind):
            "\(path): is a \(kind); a release holds only regular files and folders"
        case .symlinkOutside(let path, let target):
            "\(path): symbolic link points outside the release (to \(target))"
        case .symlinkLoop(let path):
            "\(path): symbolic link loop"
        case .emptyRelease(let path):
            "\(path): nothing to hash (no files, or only empty or excluded ones)"
        case .tooLarge(let path):
            "\(path): the files add up to more than 1 PiB, more than any torrent holds"
        case .changedWhileHashing(let path):
            "\(path): file changed while it was being hashed; add it again once it is stable"
        case .badPieceLength(let length):
            "piece length \(length) is not a power of two from 16 KiB to 64 MiB"
        case .bencode(let source, let error):
            "\(source): \(error)"
        case .invalidTorrent(let source, let reason):
            "\(source): \(reason)"
        case .dataMismatch(let piece, let files):
            "piece \(piece) does not match the data; it covers \(files.joined(separator: ", "))"
        }
    }
}
