import Dispatch
import Foundation
import MKTCrypto
import Synchronization

/// BitTorrent v2 hybrid torrents (BEP 52 with BEP 47 pad files), for trackers
/// that accept them (Gazelle sites do not).
///
/// In a hybrid every file starts on a piece boundary, so the v1 piece hashes
/// differ from a plain v1 torrent's and need their own pass. One pass per
/// piece computes both: SHA-1 over the piece (zero-padded where a pad file
/// follows) and SHA-256 over each 16 KiB block, folded at once into the
/// piece's merkle node, so memory is 52 bytes per piece plus one buffer per
/// worker. Layout choices follow libtorrent 2.0.8: files in byte order of
/// their path components, a pad file after every non-empty file that does not
/// end on a boundary (the last one too), none after empty files, and a single
/// file kept as `length` with no padding.
public enum HybridTorrent {
    public static let blockSize = 16384

    /// Hashes what `scan` found and builds the torrent (without announce).
    public static func build(
        _ scan: ReleaseScan,
        pieceLength: Int64,
        options: TorrentOptions,
        workerCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws(TorrentError) -> [UInt8] {
        try PieceLength.validate(pieceLength)
        let tree = scan.tree
        let files = tree.files.sorted { $0.components.lexicographicallyPrecedes($1.components) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        let hashes = try hash(files: files, tree: tree, root: scan.root, pieceLength: pieceLength, workerCount: workerCount)

        var info = BencodeDictionary()
        info["meta version"] = .integer(2)
        info["name"] = .string(tree.name)
        info["piece length"] = .integer(pieceLength)
        info["pieces"] = .bytes(hashes.v1)
        if options.isPrivate { info["private"] = .integer(1) }
        if let source = options.source { info["source"] = .string(source) }
        var layers = BencodeDictionary()
        var fileTree = BencodeDictionary()
        var v1Files: [Bencode] = []
        for (index, file) in files.enumerated() {
            var leaf: BencodeDictionary = ["length": .integer(file.size)]
            if let root = hashes.roots[index] {
                leaf["pieces root"] = .bytes(root)
                if file.size > pieceLength { layers[root] = .bytes(hashes.layers[index]) }
            }
            let components = tree.isSingleFile ? [tree.name] : file.components
            insert(["": .dictionary(leaf)], at: components, into: &fileTree)
            v1Files.append(.dictionary(["length": .integer(file.size), "path": .list(file.components.map(Bencode.string))]))
            let tail = file.size % pieceLength
            if file.size > 0 && tail != 0 {
                let pad = pieceLength - tail
                v1Files.append(.dictionary(["attr": .string("p"), "length": .integer(pad), "path": .list([.string(".pad"), .string(String(pad))])]))
            }
        }
        info["file tree"] = .dictionary(fileTree)
        if tree.isSingleFile {
            info["length"] = .integer(tree.totalSize)
        } else {
            info["files"] = .list(v1Files)
        }
        var torrent = BencodeDictionary()
        torrent["info"] = .dictionary(info)
        torrent["piece layers"] = .dictionary(layers)
        if let comment = options.comment { torrent["comment"] = .string(comment) }
        if let createdBy = options.createdBy { torrent["created by"] = .string(createdBy) }
        if let date = options.creationDate { torrent["creation date"] = .integer(date) }
        return Bencode.dictionary(torrent).encoded()
    }

    private static func insert(_ leaf: BencodeDictionary, at path: [String], into tree: inout BencodeDictionary) {
        guard let first = path.first else { return }
        if path.count == 1 {
            tree[first] = .dictionary(leaf)
            return
        }
        var child = tree[first]?.dictionaryValue ?? BencodeDictionary()
        insert(leaf, at: Array(path.dropFirst()), into: &child)
        tree[first] = .dictionary(child)
    }

    // MARK: - Hashing

    struct Hashes {
        var v1: [UInt8]
        /// Per file: the v2 pieces root (nil for an empty file) and the piece layer.
        var roots: [[UInt8]?]
        var layers: [[UInt8]]
    }

    /// One unit of work: piece `piece` of file `file`.
    private struct Task {
        let file: Int
        let piece: Int
        /// Index into the flat per-piece outputs.
        let slot: Int
    }

    private static func hash(files: [ReleaseTree.File], tree: ReleaseTree, root: String, pieceLength: Int64, workerCount: Int) throws(TorrentError) -> Hashes {
        var tasks: [Task] = []
        var firstSlot: [Int] = []
        for (index, file) in files.enumerated() {
            firstSlot.append(tasks.count)
            let count = PieceHashes.pieceCount(totalLength: file.size, pieceLength: pieceLength)
            for piece in 0..<count { tasks.append(Task(file: index, piece: piece, slot: tasks.count)) }
        }
        let slots = tasks.count
        let v1 = UnsafeMutableRawBufferPointer.allocate(byteCount: max(slots, 1) * 20, alignment: 16)
        let nodes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(slots, 1) * 32, alignment: 16)
        defer {
            v1.deallocate()
            nodes.deallocate()
        }
        let outputs = Outputs(v1: v1.baseAddress!, nodes: nodes.baseAddress!)
        let failure = Mutex<TorrentError?>(nil)
        let workers = max(1, min(workerCount, slots))
        let perWorker = (slots + workers - 1) / workers
        let padV1 = !tree.isSingleFile
        let plan = tasks
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = (worker * perWorker)..<min((worker + 1) * perWorker, slots)
            guard !range.isEmpty else { return }
            do throws(TorrentError) {
                try hashTasks(Array(plan[range]), files: files, tree: tree, root: root, pieceLength: pieceLength, padV1: padV1, outputs: outputs)
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }

        var roots: [[UInt8]?] = []
        var layers: [[UInt8]] = []
        let blocksPerPiece = Int(pieceLength) / blockSize
        for (index, file) in files.enumerated() {
            let count = PieceHashes.pieceCount(totalLength: file.size, pieceLength: pieceLength)
            let layer = Array(UnsafeRawBufferPointer(rebasing: nodes[(firstSlot[index] * 32)..<((firstSlot[index] + count) * 32)]))
            layers.append(layer)
            switch count {
            case 0: roots.append(nil)
            case 1: roots.append(layer)
            default:
                let nodes = stride(from: 0, to: layer.count, by: 32).map { Array(layer[$0..<($0 + 32)]) }
                roots.append(merkleRoot(nodes, padding: zeroSubtreeRoot(leaves: blocksPerPiece)))
            }
        }
        return Hashes(v1: Array(v1.prefix(slots * 20)), roots: roots, layers: layers)
    }

    private struct Outputs: @unchecked Sendable {
        // Each task writes only its own slot.
        let v1: UnsafeMutableRawPointer
        let nodes: UnsafeMutableRawPointer
    }

    private static func hashTasks(
        _ tasks: [Task], files: [ReleaseTree.File], tree: ReleaseTree, root: String, pieceLength: Int64, padV1: Bool, outputs: Outputs
    ) throws(TorrentError) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Int(pieceLength), alignment: 4096)
        defer { buffer.deallocate() }
        let sha1 = DigestContext(.sha1)
        var openFile: (index: Int, fd: Int32)?
        defer { if let openFile { close(openFile.fd) } }
        for task in tasks {
            let file = files[task.file]
            let location = tree.location(of: file, root: root)
            if openFile?.index != task.file {
                if let previous = openFile {
                    close(previous.fd)
                    openFile = nil  // the defer must not close it again if the next open fails
                }
                let fd = open(location, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw .io(operation: "open", path: location, errno: errno) }
                openFile = (task.file, fd)
            }
            let offset = Int64(task.piece) * pieceLength
            let length = Int(min(pieceLength, file.size.subtractingReportingOverflow(offset).partialValue))
            var filled = 0
            while filled < length {
                let got = pread(openFile!.fd, buffer + filled, length - filled, off_t(offset) + off_t(filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw .io(operation: "read", path: location, errno: errno)
                }
                if got == 0 { throw .changedWhileHashing(path: location) }
                filled += got
            }
            // v1: a pad file of zeros follows a short last piece, except in a single-file torrent.
            let v1Length = padV1 ? Int(pieceLength) : length
            memset(buffer + length, 0, v1Length - length)
            sha1.update(UnsafeRawBufferPointer(start: buffer, count: v1Length))
            sha1.finish(into: outputs.v1 + task.slot * 20)
            // v2: 16 KiB leaves (the last one short), folded into this piece's node.
            let blocks = (length + blockSize - 1) / blockSize
            var leaves: [[UInt8]] = (0..<blocks).map { block in
                DigestAlgorithm.sha256.digest(UnsafeRawBufferPointer(start: buffer + block * blockSize, count: min(blockSize, length - block * blockSize)))
            }
            // A file larger than a piece pads each piece's subtree to a whole
            // piece; a smaller file only to a power of two of its own blocks.
            let width = file.size > pieceLength ? Int(pieceLength) / blockSize : nextPowerOfTwo(blocks)
            leaves += Array(repeating: [UInt8](repeating: 0, count: 32), count: width - blocks)
            let node = merkleRoot(leaves, padding: [UInt8](repeating: 0, count: 32))
            node.withUnsafeBytes { (outputs.nodes + task.slot * 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
    }

    /// The root over `nodes` padded with `padding` to a power of two.
    static func merkleRoot(_ nodes: [[UInt8]], padding: [UInt8]) -> [UInt8] {
        var level = nodes + Array(repeating: padding, count: nextPowerOfTwo(nodes.count) - nodes.count)
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { DigestAlgorithm.sha256.digest(level[$0] + level[$0 + 1]) }
        }
        return level[0]
    }

    /// The root of a subtree of `leaves` all-zero leaves.
    static func zeroSubtreeRoot(leaves: Int) -> [UInt8] {
        var node = [UInt8](repeating: 0, count: 32)
        var width = 1
        while width < leaves {
            node = DigestAlgorithm.sha256.digest(node + node)
            width *= 2
        }
        return node
    }

    static func nextPowerOfTwo(_ value: Int) -> Int {
        var power = 1
        while power < value { power *= 2 }
        return power
    }
}
