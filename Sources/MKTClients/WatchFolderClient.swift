import Foundation

/// A folder another BitTorrent client watches (`type = watch`): the torrent is
/// written there as `INFOHASH.torrent`, whole or not at all (a hidden temporary
/// file, then a rename), and the watching client does the rest. mkt cannot ask
/// that client anything, so nothing is checked and nothing is claimed: the
/// outcome is "handed to watch folder DIR", never "seeding"; where the client
/// saves (and so whether it finds the data) is the client's own setting.
public final class WatchFolderClient: SeedingClient, Sendable {
    public let settings: ClientSettings

    init(settings: ClientSettings) {
        self.settings = settings
    }

    var folder: String { settings.url }

    /// The folder is there and mkt may write in it.
    public func connect() throws(ClientError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unreachable(client: settings.name, reason: "the watch folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else { throw .unreachable(client: settings.name, reason: "the watch folder \(folder) is not writable") }
    }

    /// Writes `INFOHASH.torrent` into the folder. The temporary name starts
    /// with a dot and does not end in `.torrent`, so no watcher takes it half
    /// written. The file holds the announce URL with the passkey: readable by
    /// its owner and group only (a client running as another user shares the group).
    public func add(_ request: SeedRequest) throws(ClientError) {
        let target = "\(folder)/\(request.infohash).torrent"
        let temporary = "\(folder)/.\(request.infohash).mkt-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .refused(client: settings.name, reason: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = request.torrent.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        let synced = written && fsync(fd) == 0
        close(fd)
        guard synced, rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .refused(client: settings.name, reason: "cannot write \(target): \(reason)")
        }
    }

    public func verify(infohash: String) throws(ClientError) {
        throw .config(client: settings.name, reason: "a watch folder cannot check data; the client watching \(folder) does that itself")
    }

    /// Always nil: the folder cannot say what the watching client has.
    public func torrent(infohash: String) throws(ClientError) -> ClientTorrent? { nil }

    public func start(infohash: String) throws(ClientError) {
        throw .config(client: settings.name, reason: "a watch folder cannot start a torrent; the client watching \(folder) decides")
    }

    /// Takes the torrent file back if the watching client has not taken it yet.
    public func remove(infohash: String) throws(ClientError) {
        unlink("\(folder)/\(infohash).torrent")
    }
}
