import Foundation

/// qBittorrent and Transmission from Debian, started for a test on free
/// loopback ports with user `mkt` and `password`, DHT, LSD and port mapping off.
public enum ClientDaemons {
    public static let qbittorrent = "/usr/bin/qbittorrent-nox"
    public static let transmission = "/usr/bin/transmission-daemon"
    public static let username = "mkt"
    public static let password = "client-password-1"

    public static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: qbittorrent) && FileManager.default.isExecutableFile(atPath: transmission)
    }

    /// A UTF-8 locale: under LANG=C, qBittorrent (Qt 5) cannot open a file whose name is not ASCII.
    static func environment(_ home: String) -> [String: String] {
        ["HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
    }

    /// - Returns: the daemon and its Web UI address.
    public static func startQBittorrent(in directory: String) throws -> (Daemon, url: String) {
        let profile = "\(directory)/qbt"
        let port = Daemon.freePort()
        try FileManager.default.createDirectory(atPath: "\(profile)/qBittorrent/config", withIntermediateDirectories: true)
        // qBittorrent keeps PBKDF2-HMAC-SHA512 (100,000 rounds) of the Web UI password.
        let hash = Process()
        hash.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        hash.arguments = ["-c", "import hashlib,base64,os,sys; s=os.urandom(16); k=hashlib.pbkdf2_hmac('sha512', sys.argv[1].encode(), s, 100000, 64); print(base64.b64encode(s).decode()+':'+base64.b64encode(k).decode())", password]
        let output = Pipe()
        hash.standardOutput = output
        try hash.run()
        let pbkdf2 = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        hash.waitUntilExit()
        try """
            [LegalNotice]
            Accepted=true

            [BitTorrent]
            Session\\Port=\(Daemon.freePort())

            [Preferences]
            WebUI\\Address=127.0.0.1
            WebUI\\Port=\(port)
            WebUI\\Username=\(username)
            WebUI\\Password_PBKDF2="@ByteArray(\(pbkdf2))"
            WebUI\\LocalHostAuth=true
            WebUI\\HostHeaderValidation=false
            Connection\\UPnP=false
            Bittorrent\\DHT=false
            Bittorrent\\LSD=false
            Bittorrent\\PeX=false

            """.write(toFile: "\(profile)/qBittorrent/config/qBittorrent.conf", atomically: true, encoding: .utf8)
        let daemon = try Daemon(qbittorrent, ["--profile=\(profile)"], log: "\(directory)/qbt.log", environment: environment(directory))
        try daemon.waitForPort(port)
        return (daemon, "http://127.0.0.1:\(port)")
    }

    public static func startTransmission(in directory: String) throws -> (Daemon, url: String) {
        let port = Daemon.freePort()
        try FileManager.default.createDirectory(atPath: "\(directory)/tr-config", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(directory)/tr-downloads", withIntermediateDirectories: true)
        let daemon = try Daemon(transmission, [
            "-f", "-g", "\(directory)/tr-config", "-p", String(port), "-P", String(Daemon.freePort()), "-w", "\(directory)/tr-downloads",
            "-t", "-u", username, "-v", password, "-a", "127.0.0.1", "-M", "-O", "-Y",
        ], log: "\(directory)/tr.log", environment: environment(directory))
        try daemon.waitForPort(port)
        return (daemon, "http://127.0.0.1:\(port)")
    }
}
