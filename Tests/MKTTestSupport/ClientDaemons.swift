import Foundation

/// qBittorrent and Transmission from Debian, started for a test on free
/// loopback ports with user `mkt` and `password`, DHT, LSD and port mapping off.
public enum ClientDaemons {
    public static let qbittorrent = "/usr/bin/qbittorrent-nox"
    public static let transmission = "/usr/bin/transmission-daemon"
    public static let username = "mkt"
    public static let password = "client-password-1"

    public static let deluged = "/usr/bin/deluged"
    public static let delugeWeb = "/usr/bin/deluge-web"
    public static let rtorrent = "/usr/bin/rtorrent"

    public static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: qbittorrent) && FileManager.default.isExecutableFile(atPath: transmission)
    }

    public static var delugeInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: deluged) && FileManager.default.isExecutableFile(atPath: delugeWeb)
    }

    public static var rtorrentInstalled: Bool { FileManager.default.isExecutableFile(atPath: rtorrent) }

    public static var transmissionInstalled: Bool { FileManager.default.isExecutableFile(atPath: transmission) }

    /// What a line of Python prints, trimmed.
    static func python(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        return text
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
        let pbkdf2 = try python("import hashlib,base64,os,sys; s=os.urandom(16); k=hashlib.pbkdf2_hmac('sha512', sys.argv[1].encode(), s, 100000, 64); print(base64.b64encode(s).decode()+':'+base64.b64encode(k).decode())", password)
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
        try startTransmission(in: directory, downloads: "\(directory)/tr-downloads", extra: [])
    }

    static func startTransmission(in directory: String, downloads: String, extra: [String]) throws -> (Daemon, url: String) {
        let port = Daemon.freePort()
        try FileManager.default.createDirectory(atPath: "\(directory)/tr-config", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        let daemon = try Daemon(transmission, [
            "-f", "-g", "\(directory)/tr-config", "-p", String(port), "-P", String(Daemon.freePort()), "-w", downloads,
            "-t", "-u", username, "-v", password, "-a", "127.0.0.1", "-M", "-O", "-Y",
        ] + extra, log: "\(directory)/tr.log", environment: environment(directory))
        try daemon.waitForPort(port)
        return (daemon, "http://127.0.0.1:\(port)")
    }

    /// deluged (RPC on a free port, user `mkt`) and deluge-web in front of it
    /// (web password `password` as for the other daemons, this daemon in its host list, the Label
    /// plugin on), sharing one config folder. Deluge's config files are two
    /// JSON objects, a version header then the values (deluge/config.py).
    /// Logging is at `error`: Deluge 2.0.3's logger fails under Python 3.11
    /// at `info` (its `findCaller` override takes too few arguments).
    /// - Returns: the daemons and deluge-web's address.
    public static func startDeluge(in directory: String, labels: Bool = true) throws -> ([Daemon], url: String) {
        let config = "\(directory)/deluge"
        let (daemonPort, webPort) = (Daemon.freePort(), Daemon.freePort())
        try FileManager.default.createDirectory(atPath: "\(config)/downloads", withIntermediateDirectories: true)
        func write(_ name: String, version: Int, _ values: [String: Any]) throws {
            let body = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
            try (Data(#"{"file": \#(version), "format": 1}"#.utf8) + body).write(to: URL(fileURLWithPath: "\(config)/\(name)"))
        }
        let salt = UUID().uuidString
        try write("web.conf", version: 2, [
            "pwd_salt": salt, "pwd_sha1": try python("import hashlib,sys; print(hashlib.sha1((sys.argv[1]+sys.argv[2]).encode()).hexdigest())", salt, password),
            "interface": "127.0.0.1", "port": webPort, "first_login": false, "default_daemon": "",
        ])
        let torrentPort = Daemon.freePort()
        try write("core.conf", version: 1, [
            "listen_interface": "127.0.0.1", "outgoing_interface": "", "random_port": false, "listen_ports": [torrentPort, torrentPort],
            "dht": false, "upnp": false, "natpmp": false, "lsd": false, "utpex": false, "new_release_check": false,
            "enabled_plugins": labels ? ["Label"] : [], "download_location": "\(config)/downloads",
        ])
        // deluge-web reads the `localclient` line to build its default host list.
        try "localclient:\(UUID().uuidString):10\n\(username):\(password):10\n".write(toFile: "\(config)/auth", atomically: true, encoding: .utf8)
        try write("hostlist.conf", version: 3, ["hosts": [[UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), "127.0.0.1", daemonPort, username, password]]])
        let core = try Daemon(deluged, ["-d", "-c", config, "-p", String(daemonPort), "-u", "127.0.0.1", "-L", "error"], log: "\(directory)/deluged.log",
                              environment: environment(directory))
        try core.waitForPort(daemonPort)
        let web = try Daemon(delugeWeb, ["-d", "-c", config, "-p", String(webPort), "-i", "127.0.0.1", "-L", "error"], log: "\(directory)/deluge-web.log",
                             environment: environment(directory))
        try web.waitForPort(webPort)
        return ([core, web], "http://127.0.0.1:\(webPort)")
    }

    /// rTorrent without a terminal (`system.daemon.set`), its XML-RPC on a
    /// Unix socket in `directory`, DHT, PEX and UDP trackers off.
    /// - Returns: the daemon and the socket's path.
    public static func startRTorrent(in directory: String) throws -> (Daemon, socket: String) {
        let socket = "\(directory)/rtorrent.socket"
        try FileManager.default.createDirectory(atPath: "\(directory)/rt-session", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(directory)/rt-downloads", withIntermediateDirectories: true)
        let port = Daemon.freePort()
        try """
            session.path.set = \(directory)/rt-session
            directory.default.set = \(directory)/rt-downloads
            network.scgi.open_local = \(socket)
            network.port_range.set = \(port)-\(port)
            network.port_random.set = no
            network.bind_address.set = 127.0.0.1
            dht.mode.set = disable
            protocol.pex.set = no
            trackers.use_udp.set = no
            system.daemon.set = true

            """.write(toFile: "\(directory)/rtorrent.rc", atomically: true, encoding: .utf8)
        let daemon = try Daemon(rtorrent, ["-n", "-o", "import=\(directory)/rtorrent.rc"], log: "\(directory)/rtorrent.log", environment: environment(directory))
        guard daemon.wait(until: { FileManager.default.fileExists(atPath: socket) }) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "rtorrent opened no socket: \((try? String(contentsOfFile: daemon.log, encoding: .utf8)) ?? "")"])
        }
        return (daemon, socket)
    }

    /// transmission-daemon taking every torrent that appears in `watch`
    /// (`-c`), saving into `downloads`, RPC on a free port.
    /// - Returns: the daemon and its RPC address.
    public static func startTransmission(in directory: String, watching watch: String, downloads: String) throws -> (Daemon, url: String) {
        try startTransmission(in: directory, downloads: downloads, extra: ["-c", watch])
    }
}
