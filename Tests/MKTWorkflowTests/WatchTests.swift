import Foundation
import MKTWorkflow
import Testing

/// When `mkt watch` calls a folder ready, and how it judges a completion call.
struct FolderSettlingTests {
    let quiet = FolderSignature(files: 3, bytes: 3000, newest: 0)

    /// A scan's verdict (#expect cannot hold a mutating call).
    func ready(_ settling: inout FolderSettling, _ folder: String, _ signature: FolderSignature?, at time: Double) -> Bool {
        settling.scanned(folder, signature, at: time)
    }

    @Test func aFolderIsReadyAfterTwoEqualScansAndTheSettleTime() {
        var settling = FolderSettling(settle: 10)
        settling.changed("/w/a", at: 100)
        #expect(!ready(&settling, "/w/a", quiet, at: 101))
        // Equal sizes, but the last write is not 10 s old yet.
        #expect(!ready(&settling, "/w/a", quiet, at: 105))
        #expect(ready(&settling, "/w/a", quiet, at: 110))
        #expect(settling.waiting.isEmpty)
    }

    @Test func aFolderStillBeingWrittenIsNeverReady() {
        var settling = FolderSettling(settle: 10)
        settling.changed("/w/a", at: 0)
        var bytes: Int64 = 0
        for second in stride(from: 20.0, through: 200, by: 20) {
            // Sizes grow between scans, with no inotify event seen (a write over NFS, say).
            bytes += 1
            #expect(!ready(&settling, "/w/a", FolderSignature(files: 1, bytes: bytes, newest: 0), at: second))
        }
        // A write inotify reports keeps it waiting too, whatever the scans say.
        settling.changed("/w/a", at: 205)
        #expect(!ready(&settling, "/w/a", FolderSignature(files: 1, bytes: bytes, newest: 0), at: 210))
        #expect(ready(&settling, "/w/a", FolderSignature(files: 1, bytes: bytes, newest: 0), at: 215))
    }

    @Test func aRecentModificationTimeHoldsItBack() {
        var settling = FolderSettling(settle: 10)
        let touched = FolderSignature(files: 1, bytes: 5, newest: 108_000)
        #expect(!ready(&settling, "/w/a", touched, at: 100))
        #expect(!ready(&settling, "/w/a", touched, at: 115))
        #expect(ready(&settling, "/w/a", touched, at: 118))
    }

    @Test func aFolderGoneOrHandedOverWaitsNoMore() {
        var settling = FolderSettling(settle: 10)
        settling.changed("/w/a", at: 0)
        settling.changed("/w/b", at: 0)
        #expect(!ready(&settling, "/w/a", nil, at: 1))
        settling.forget("/w/b")
        #expect(settling.waiting.isEmpty)
    }

    @Test func theSignatureSeesSizesAndFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-signature-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/CD1", withIntermediateDirectories: true)
        try Data(count: 10).write(to: URL(fileURLWithPath: "\(folder)/CD1/01.flac"))
        let first = try #require(FolderSignature.scan(folder))
        #expect(first.files == 1 && first.bytes == 10)
        try Data(count: 20).write(to: URL(fileURLWithPath: "\(folder)/CD1/01.flac"))
        #expect(FolderSignature.scan(folder)?.bytes == 20)
        #expect(FolderSignature.scan("\(folder)/CD1/01.flac") == nil)
    }
}

/// inotify through FolderEvents: a write deep in a new folder names its release folder; a hidden one names none.
struct FolderEventsTests {
    @Test func aWriteDeepInANewFolderNamesItsReleaseFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-events-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let events = try FolderEvents(roots: [root])
        events.watchTree(root)
        try FileManager.default.createDirectory(atPath: "\(root)/Album/CD1", withIntermediateDirectories: true)
        #expect(events.drain() == ["\(root)/Album"])
        // The new subfolder is watched now: a file written two levels down is seen.
        try Data(count: 3).write(to: URL(fileURLWithPath: "\(root)/Album/CD1/01.flac"))
        #expect(events.drain() == ["\(root)/Album"])
        try FileManager.default.createDirectory(atPath: "\(root)/.partial", withIntermediateDirectories: true)
        #expect(events.drain().isEmpty)
        #expect(events.drain().isEmpty, "nothing happened since")
        #expect(throws: WorkflowError.self) { try FolderEvents(roots: ["\(root)/missing"]) }
    }
}

struct CompletionRequestTests {
    let token = "0123456789abcdef0123456789abcdef"

    func request(_ lines: [String], body: String) -> [UInt8] {
        Array((lines + ["Content-Length: \(body.utf8.count)", "", body]).joined(separator: "\r\n").utf8)
    }

    @Test func theRightTokenAndAFolderAreTaken() {
        let form = request(["POST /done HTTP/1.1", "Host: localhost", "Authorization: Bearer \(token)", "Content-Type: application/x-www-form-urlencoded"],
                           body: "path=%2Fmusic%2FArtist+-+Album%20%282019%29%20%5BFLAC%5D")
        #expect(CompletionRequest.isComplete(form))
        #expect(CompletionRequest.judge(form, token: token) == .done(folder: "/music/Artist - Album (2019) [FLAC]"))
        let json = request(["POST /done HTTP/1.1", "authorization: Bearer \(token)", "Content-Type: application/json"], body: #"{"path": "/music/Å"}"#)
        #expect(CompletionRequest.judge(json, token: token) == .done(folder: "/music/Å"))
    }

    @Test func aWrongOrMissingTokenIsRefused() {
        for header in ["Authorization: Bearer \(token.dropLast())x", "Authorization: Bearer \(token)0", "Authorization: Basic \(token)", "X-Nothing: 1"] {
            let bytes = request(["POST /done HTTP/1.1", header], body: "path=/music/a")
            #expect(CompletionRequest.judge(bytes, token: token) == .refused(status: 401, reason: "wrong or missing token (Authorization: Bearer, from watch.token-file)"), "\(header)")
        }
    }

    @Test func otherRequestsAreRefusedWithTheirStatus() {
        let auth = "Authorization: Bearer \(token)"
        #expect(CompletionRequest.judge(request(["GET /done HTTP/1.1", auth], body: ""), token: token) == .refused(status: 405, reason: "POST /done, not GET"))
        #expect(CompletionRequest.judge(request(["POST /other HTTP/1.1", auth], body: ""), token: token) == .refused(status: 404, reason: "no such endpoint (POST /done)"))
        if case .refused(let status, _) = CompletionRequest.judge(request(["POST /done HTTP/1.1", auth], body: "path=relative/a"), token: token) {
            #expect(status == 400)
        } else {
            Issue.record("a relative path was taken")
        }
        let cut = Array("POST /done HTTP/1.1\r\nContent-Length: 40\r\n\r\npath=/a".utf8)
        #expect(!CompletionRequest.isComplete(cut))
        #expect(!CompletionRequest.isComplete(Array("POST /done HTTP/1.1\r\n".utf8)))
    }
}
