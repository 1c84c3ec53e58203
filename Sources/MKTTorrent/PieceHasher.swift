import Dispatch
import Foundation
import MKTCrypto
import Synchronization

/// The SHA-1 piece hashes of a release (BEP 3): the payload is the files
/// concatenated in order, cut into `pieceLength` pieces, the last one shorter.
public struct PieceHashes: Equatable, Sendable {
    public let pieceLength: Int64
    public let totalLength: Int64
    /// 20 bytes per piece.
    public let hashes: [UInt8]

    public init(pieceLength: Int64, totalLength: Int64, hashes: [UInt8]) {
        self.pieceLength = pieceLength
        self.totalLength = totalLength
        self.hashes = hashes
    }

    public var count: Int { hashes.count / 20 }

    /// Without `totalLength + pieceLength - 1`, which a length near Int64.max would overflow.
    public static func pieceCount(totalLength: Int64, pieceLength: Int64) -> Int {
        Int(totalLength / pieceLength + (totalLength % pieceLength == 0 ? 0 : 1))
    }

    public func hash(ofPiece index: Int) -> ArraySlice<UInt8> { hashes[(index * 20)..<(index * 20 + 20)] }
}

/// Hashes a release on all cores.
///
/// The pieces are cut into one contiguous range per worker; each worker
/// opens the files its range covers and reads them with `pread` into its
/// own page-aligned buffer (a buffer 1–31 bytes past a page boundary makes
/// the kernel's copy 4–5× slower on this CPU), so reads run in parallel as
/// well as hashing. Memory is `workers × readSize`, whatever the release size.
public struct PieceHasher: Sendable {
    public var workerCount: Int
    public var readSize: Int

    public init(workerCount: Int = ProcessInfo.processInfo.activeProcessorCount, readSize: Int = 4 << 20) {
        self.workerCount = max(1, workerCount)
        self.readSize = readSize
    }

    /// Hashes what `scan` found, refusing files whose size, mtime or inode
    /// differ from the scan: the hashes are then those of the scanned files.
    /// - Parameter progress: called from the workers with the bytes hashed so far (all workers together).
    public func hash(_ scan: ReleaseScan, pieceLength: Int64, progress: (@Sendable (Int64) -> Void)? = nil) throws(TorrentError) -> PieceHashes {
        try hash(scan.tree, root: scan.root, stats: scan.stats, pieceLength: pieceLength, progress: progress)
    }

    /// Hashes the files of `tree` wherever they are now (`root`), checking
    /// only their sizes, as `verify` does with data that may have been copied.
    public func hash(_ tree: ReleaseTree, root: String, pieceLength: Int64, progress: (@Sendable (Int64) -> Void)? = nil) throws(TorrentError) -> PieceHashes {
        try hash(tree, root: root, stats: nil, pieceLength: pieceLength, progress: progress)
    }

    private func hash(
        _ tree: ReleaseTree, root: String, stats: FileStats?, pieceLength: Int64, progress: (@Sendable (Int64) -> Void)?
    ) throws(TorrentError) -> PieceHashes {
        try PieceLength.validate(pieceLength)
        let total = tree.totalSize
        let pieceCount = PieceHashes.pieceCount(totalLength: total, pieceLength: pieceLength)
        guard pieceCount > 0 else { throw .emptyRelease(path: root) }
        let job = Job(
            files: tree.files.map { ($0, tree.location(of: $0, root: root), stats?[$0.path]) }, starts: tree.offsets,
            pieceLength: pieceLength, total: total, readSize: readSize, progress: progress)
        let workers = min(workerCount, pieceCount)
        let perWorker = (pieceCount + workers - 1) / workers
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceCount * 20, alignment: 16)
        defer { output.deallocate() }
        let sendableOutput = SendableBuffer(base: output.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let first = worker * perWorker
            let end = min(first + perWorker, pieceCount)
            guard first < end else { return }
            do throws(TorrentError) {
                try job.hashPieces(first..<end, into: sendableOutput.base)
            } catch {
                job.failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = job.failure.withLock({ $0 }) { throw error }
        return PieceHashes(pieceLength: pieceLength, totalLength: total, hashes: Array(output))
    }
}

private struct SendableBuffer: @unchecked Sendable {
    // Each worker writes only its own pieces' 20-byte slots.
    let base: UnsafeMutableRawPointer
}

/// What the workers share: the read-only plan, the progress counter and the first failure.
private final class Job: Sendable {
    /// Each file with where it is read from and, when the hashes must be the scan's, its scanned stat data.
    let files: [(file: ReleaseTree.File, location: String, scanned: FileStat?)]
    let starts: [Int64]
    let pieceLength: Int64
    let total: Int64
    let readSize: Int
    let progress: (@Sendable (Int64) -> Void)?
    private let done = Atomic<Int64>(0)
    let failure = Mutex<TorrentError?>(nil)

    init(
        files: [(file: ReleaseTree.File, location: String, scanned: FileStat?)], starts: [Int64], pieceLength: Int64, total: Int64,
        readSize: Int, progress: (@Sendable (Int64) -> Void)?
    ) {
        self.files = files
        self.starts = starts
        self.pieceLength = pieceLength
        self.total = total
        self.readSize = readSize
        self.progress = progress
    }

    func hashPieces(_ pieces: Range<Int>, into output: UnsafeMutableRawPointer) throws(TorrentError) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: readSize, alignment: 4096)
        defer { buffer.deallocate() }
        let digest = DigestContext(.sha1)
        var piece = pieces.lowerBound
        var filled: Int64 = 0
        var position = Int64(pieces.lowerBound) * pieceLength
        let end = min(Int64(pieces.upperBound) * pieceLength, total)
        var index = firstFile(containing: position)
        while position < end {
            if failure.withLock({ $0 != nil }) { return }
            let (file, location, scanned) = files[index]
            var fileOffset = position - starts[index]
            var remaining = min(file.size.subtractingReportingOverflow(fileOffset).partialValue, end - position)
            index += 1
            guard remaining > 0 else { continue }
            let fd = open(location, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(operation: "open", path: location, errno: errno) }
            defer { close(fd) }
            try checkUnchanged(fd, file, scanned, location)
            posix_fadvise(fd, off_t(fileOffset), off_t(remaining), POSIX_FADV_SEQUENTIAL)
            while remaining > 0 {
                let want = Int(min(Int64(readSize), remaining))
                let got = pread(fd, buffer, want, off_t(fileOffset))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw .io(operation: "read", path: location, errno: errno)
                }
                if got == 0 { throw .changedWhileHashing(path: location) }
                var consumed = 0
                while consumed < got {
                    let take = min(got - consumed, Int(pieceLength - filled))
                    digest.update(UnsafeRawBufferPointer(start: buffer + consumed, count: take))
                    consumed += take
                    filled += Int64(take)
                    if filled == pieceLength {
                        digest.finish(into: output + piece * 20)
                        piece += 1
                        filled = 0
                    }
                }
                fileOffset += Int64(got)
                position += Int64(got)
                remaining -= Int64(got)
                let sum = done.add(Int64(got), ordering: .relaxed).newValue
                progress?(sum)
            }
            try checkUnchanged(fd, file, scanned, location)
        }
        if filled > 0 { digest.finish(into: output + piece * 20) }
    }

    /// The index of the file holding byte `offset` of the payload (skipping empty files).
    private func firstFile(containing offset: Int64) -> Int {
        var low = 0
        var high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] + files[middle].file.size <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func checkUnchanged(_ fd: Int32, _ file: ReleaseTree.File, _ scanned: FileStat?, _ location: String) throws(TorrentError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: location, errno: errno) }
        if Int64(info.st_size) != file.size { throw .changedWhileHashing(path: location) }
        guard let scanned else { return }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        if modified != scanned.modified || UInt64(info.st_ino) != scanned.inode { throw .changedWhileHashing(path: location) }
    }
}
