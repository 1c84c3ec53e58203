import Foundation
import MKTCatalog
import MKTMetadata

/// A site with no upload API (MyAnonamouse): every call refuses, saying
/// what mkt does for it instead. `mkt push` never queues an upload for such
/// a site; it writes the upload kit (MKTWorkflow's `prepareManualUpload`).
public struct ManualUploadAdapter: SiteAdapter {
    public let connection: TrackerConnection

    public init(connection: TrackerConnection) { self.connection = connection }

    public var sendsAnnounce: Bool { true }

    var refusal: TrackerError {
        .local("\(site.name) has no upload API: 'mkt push \(site.name) RELEASE' writes the upload kit to upload by hand at \(site.manualUploadPage ?? site.url)")
    }

    public func passkey() throws(TrackerError) -> String? { throw refusal }
    public func lookup(infohash: String, name: String) throws(TrackerError) -> SiteTorrent? { throw refusal }
    public func torrent(id: Int) throws(TrackerError) -> SiteTorrent? { throw refusal }
    public func named(_ name: String) throws(TrackerError) -> SiteTorrent? { throw refusal }
    public func existing(_ release: ReleaseDescription) throws(TrackerError) -> ExistingRelease { throw refusal }
    public func form(_ request: UploadRequest) throws(TrackerError) -> [MultipartField] { throw refusal }
    public func upload(_ request: UploadRequest) throws(TrackerError) -> UploadAnswer { throw refusal }
    public func download(_ torrent: SiteTorrent) throws(TrackerError) -> [UInt8] { throw refusal }
}
