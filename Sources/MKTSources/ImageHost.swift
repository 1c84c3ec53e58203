import Foundation
import MKTHTTP

/// An image host for a release's own cover, when no web source has one or
/// the user prefers theirs: ptpimg (`POST /upload.php` with `api_key` and
/// `file-upload[0]`, answering `[{"code", "ext"}]`; the image is then at
/// `/<code>.<ext>`), the host trackers' upload guides name.
public struct ImageHost: Sendable {
    public let service: SourceConnection
    let apiKey: String

    public init(service: SourceConnection, apiKey: String) {
        self.service = service
        self.apiKey = apiKey
    }

    /// Uploads a JPEG or PNG image (`name` says what it is, in messages);
    /// returns its address on the host.
    public func upload(_ data: Data, name: String) throws(SourceError) -> String {
        let type: String
        if data.starts(with: [0xFF, 0xD8, 0xFF]) {
            type = "image/jpeg"
        } else if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            type = "image/png"
        } else {
            throw .local(service.name, "\(name) is neither a JPEG nor a PNG image")
        }
        let answer = try service.post("/upload.php", parts: [
            MultipartPart(name: "api_key", value: apiKey),
            MultipartPart(name: "file-upload[0]", file: data, filename: type == "image/png" ? "cover.png" : "cover.jpg", contentType: type),
        ], headers: [("Referer", "\(service.baseURL)/index.php")])
        guard let image = (answer as? [[String: Any]])?.first, let code = image["code"] as? String, let ext = image["ext"] as? String,
            code.allSatisfy({ $0.isLetter || $0.isNumber }), ["jpg", "jpeg", "png"].contains(ext.lowercased())
        else { throw .answered(service.name, "without the image's code") }
        return "\(service.baseURL)/\(code).\(ext)"
    }
}
