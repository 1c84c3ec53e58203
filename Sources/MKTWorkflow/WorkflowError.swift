import MKTStore

/// Failures of combined operations that no single library can name.
public enum WorkflowError: Error, Equatable, CustomStringConvertible {
    case notARelease(name: String, type: ObjectType)
    case noPiecesForRelease(ObjectID)
    case noKnownFolder(ObjectID)
    case unknownTracker(String, known: [String])
    case announceInTorrentObject(label: String)
    case verifyFailed(badFiles: Int)
    case badMetaField(String, reason: String)
    case unknownRelease(String)
    case damagedJob(path: String, reason: String)
    case badJobName(String, path: String)
    case noSourceGroup(release: String, source: String, tracker: String)
    case notTheRelease(release: String, tracker: String, reason: String)
    case busy(tracker: String, release: String)
    case watch(folder: String, reason: String)
    case watchListen(address: String, reason: String)
    case watchToken(path: String, reason: String)
    case damagedWatchState(path: String)
    case watchRunning(path: String, pid: String)
    case notPrepared(tracker: String, release: String, reason: String)

    public var description: String {
        switch self {
        case .notARelease(let name, let type):
            "'\(name)' is a \(type) object, not a release (a pieces or release object, or a ref to one)"
        case .noPiecesForRelease(let id):
            "release \(id) has not been hashed in this store; run 'mkt hash-release' on its folder"
        case .noKnownFolder(let id):
            "release \(id): no folder known for it (the stat cache has no entry); give the folder, or 'mkt add' it again"
        case .unknownTracker(let name, let known):
            "unknown tracker '\(name)' (known: \(known.joined(separator: ", ")); add a [tracker \"\(name)\"] section to .mkt/config)"
        case .announceInTorrentObject(let label):
            "\(label): a stored torrent carries no announce URL (it would hold the passkey); mkt adds it on export"
        case .verifyFailed(let count):
            "\(counted(count, "file")) missing, resized or damaged"
        case .badMetaField(let field, let reason):
            "--meta \(field): \(reason)"
        case .unknownRelease(let name):
            "no release named '\(name)' (mkt status lists them)"
        case .damagedJob(let path, let reason):
            "\(path): damaged: \(reason); the job is skipped (remove the file to drop it)"
        case .badJobName(let name, let path):
            "\(path): '\(name)' cannot name a queued job (not a valid ref name component)"
        case .noSourceGroup(let release, let source, let tracker):
            "\(release) is a transcode of \(source), which \(tracker) has no group for in mkt's receipts; push \(source) to \(tracker) first ('mkt push \(tracker) \(source)')"
        case .notTheRelease(let release, let tracker, let reason):
            "\(tracker) \(release): the torrent does not match the local files, so it is not adopted or seeded: \(reason)"
        case .busy(let tracker, let release):
            "\(tracker) \(release): another mkt is pushing it right now; try again when it is done"
        case .watch(let folder, let reason):
            "\(folder): cannot be watched: \(reason) (watch.folder in the config)"
        case .watchListen(let address, let reason):
            "watch.listen '\(address)': \(reason)"
        case .watchToken(let path, let reason):
            "\(path): \(reason) (watch.token-file)"
        case .watchRunning(let path, let pid):
            "mkt watch is already running in this store\(pid) (\(path) is held); one watcher per store"
        case .damagedWatchState(let path):
            "\(path): damaged: not mkt watch's state; the next mkt watch rewrites it"
        case .notPrepared(let tracker, let release, let reason):
            "refs/trackers/\(tracker)/\(release): \(reason); 'mkt push \(tracker) \(release)' prepares the upload kit first"
        }
    }
}
