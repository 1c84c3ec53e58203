import Foundation
import MKTTestSupport
import Testing

/// The credential store as a user drives it, and the proof that secrets stay
/// where they belong.
struct CredentialJourneyTests {
    static let apiKeyCanary = "CanaryApiKey0123456789+/abcXYZ"
    static let passkeyCanary = "cafebabe0123456789abcdefcanary42"

    /// Every form a secret could leak in: raw, URL-encoded, hex, base64 at any alignment, either case.
    static func leaks(_ text: Data, of secret: String) -> Bool {
        let bytes = Array(secret.utf8)
        var forms = [secret, secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!]
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        forms += [hex, hex.uppercased()]
        for offset in 0..<3 {
            let encoded = Data([UInt8](repeating: 0x41, count: offset) + bytes).base64EncodedString()
            let core = String(encoded.dropFirst(offset == 0 ? 0 : 4).prefix(16))
            forms += [core, core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")]
        }
        let lowered = String(decoding: text, as: UTF8.self).lowercased()
        return forms.contains { text.range(of: Data($0.utf8)) != nil || lowered.contains($0.lowercased()) }
    }

    private func environment(_ directory: String, password: String = "master password 1") -> [String: String] {
        ["MKT_CREDENTIALS": "\(directory)/config/mkt/credentials", "MKT_PASSWORD": password]
    }

    @Test func setListRotateRemoveAndChangeThePassword() throws {
        try withTemporaryDirectory { directory in
            let env = environment(directory)
            let set = try MKTProcess.run(["credential", "set", "red", "--label", "laptop"], in: directory, stdin: Data((Self.apiKeyCanary + "\n").utf8), environment: env)
            #expect(set.status == 0, "\(set)")
            #expect(set.stderr == "created \(directory)/config/mkt/credentials\n")
            let firstID = set.stdout.trimmingCharacters(in: .newlines)
            try MKTProcess.run(["credential", "set", "red", "--passkey"], in: directory, stdin: Data(Self.passkeyCanary.utf8), environment: env)
            let rotated = try MKTProcess.run(["credential", "rotate", "red", "--label", "new"], in: directory, stdin: Data("SecondApiKey9876543210".utf8), environment: env)
            #expect(rotated.status == 0)
            let list = try MKTProcess.run(["credential", "list"], in: directory, environment: env)
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("ID        TRACKER  KIND     STATE     ADDED     LAST USED  SECRET  LABEL"))
            #expect(lines[1].hasPrefix("\(firstID)  red      api-key  inactive  just now  never      …cXYZ   laptop"))
            #expect(lines[2].contains("passkey  active    just now  never      …ry42"))
            #expect(lines[3].contains("api-key  active") && lines[3].hasSuffix("…3210   new"))
            #expect(!Self.leaks(list.stdoutData, of: Self.apiKeyCanary) && !Self.leaks(list.stdoutData, of: Self.passkeyCanary))
            #expect(try MKTProcess.run(["credential", "remove", firstID], in: directory, environment: env).status == 0)
            let passwd = try MKTProcess.run(["credential", "passwd"], in: directory, environment: env.merging(["MKT_NEW_PASSWORD": "master password 2"]) { $1 })
            #expect(passwd.status == 0, "\(passwd)")
            let old = try MKTProcess.run(["credential", "list"], in: directory, environment: env)
            #expect(old.status == 1)
            #expect(old.stderr == "error: cannot unlock \(directory)/config/mkt/credentials: wrong password, or the file is damaged\n")
            let new = try MKTProcess.run(["credential", "list"], in: directory, environment: environment(directory, password: "master password 2"))
            #expect(new.stdout.split(separator: "\n").count == 3)
            let badSecret = try MKTProcess.run(["credential", "set", "red"], in: directory, stdin: Data("two\nlines".utf8), environment: env)
            #expect(badSecret.status == 1)
        }
    }

    @Test func exportTakesThePasskeyFromTheStoreOrAHelper() throws {
        try withTemporaryDirectory { directory in
            var env = environment(directory)
            try writeFile("\(directory)/album/01.flac", String(repeating: "x", count: 50_000))
            try MKTProcess.run(["init", "-q"], in: directory)
            try MKTProcess.run(["credential", "set", "ops", "--passkey"], in: directory, stdin: Data(Self.passkeyCanary.utf8), environment: env)
            let pieces = try MKTProcess.run(["hash-release", "-w", "album"], in: directory).stdout.trimmingCharacters(in: .newlines)
            let exported = try MKTProcess.run(["export", "--tracker", "ops", pieces, "-o", "\(directory)/ops.torrent"], in: directory, environment: env)
            #expect(exported.status == 0, "\(exported)")
            let file = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/ops.torrent"))
            #expect(file.range(of: Data("https://home.opsfet.ch/\(Self.passkeyCanary)/announce".utf8)) != nil)
            // The file holds the passkey: only its owner may read it, whatever the umask.
            var info = stat()
            #expect(stat("\(directory)/ops.torrent", &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
            // A helper answers instead of the store; it is asked with the helper protocol.
            try writeFile("\(directory)/helper", "#!/bin/sh\ncat > '\(directory)/request'\necho secret=helperpasskey0123456789\n")
            chmod("\(directory)/helper", 0o755)
            try writeFile("\(directory)/.mkt/config", "[core]\n\tformat = 1\n[credential]\n\thelper = \(directory)/helper\n")
            env["MKT_PASSWORD"] = nil
            let viaHelper = try MKTProcess.run(["export", "--tracker", "red", pieces, "-o", "\(directory)/red.torrent"], in: directory, environment: env)
            #expect(viaHelper.status == 0, "\(viaHelper)")
            #expect(try String(contentsOfFile: "\(directory)/request", encoding: .utf8) == "tracker=red\nkind=passkey\n\n")
            let redFile = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/red.torrent"))
            #expect(redFile.range(of: Data("https://flacsfor.me/helperpasskey0123456789/announce".utf8)) != nil)
            let fill = try MKTProcess.run(["credential", "fill"], in: directory, stdin: Data("tracker=ops\nkind=passkey\n\n".utf8), environment: environment(directory))
            #expect(fill.stdout == "tracker=ops\nkind=passkey\nsecret=\(Self.passkeyCanary)\n\n")
        }
    }

    /// Killed just before or just after the new file replaces the old one,
    /// the store opens with the old or the new password and holds the old or new records.
    @Test(arguments: ["before-rename", "after-rename"])
    func aCrashDuringPasswdOrRotateLeavesOldOrNew(point: String) throws {
        try withTemporaryDirectory { directory in
            let env = environment(directory)
            try MKTProcess.run(["credential", "set", "red"], in: directory, stdin: Data("FirstKey0123456789".utf8), environment: env)
            let crashed = try MKTProcess.run(["credential", "passwd"], in: directory, environment: env.merging(["MKT_NEW_PASSWORD": "second", "MKT_TEST_CRASH_POINT": point]) { $1 })
            #expect(crashed.status == 137)
            let survivor = point == "before-rename" ? env : environment(directory, password: "second")
            #expect(try MKTProcess.run(["credential", "list"], in: directory, environment: survivor).stdout.contains("…6789"))
            let rotated = try MKTProcess.run(["credential", "rotate", "red"], in: directory, stdin: Data("SecondKey9876543210".utf8), environment: survivor.merging(["MKT_TEST_CRASH_POINT": point]) { $1 })
            #expect(rotated.status == 137)
            let list = try MKTProcess.run(["credential", "list"], in: directory, environment: survivor).stdout
            #expect(point == "before-rename" ? !list.contains("…3210") : list.contains("…3210"))
            #expect(list.contains("…6789"))
        }
    }

    @Test func modesStayPrivateUnderUmask022() throws {
        try withTemporaryDirectory { directory in
            let env = environment(directory)
            let script = "umask 022; printf Key0123456789abc | mkt credential set red && printf Key9876543210xyz | mkt credential rotate red && mkt credential passwd"
            let result = try MKTProcess.shell(
                "export MKT_CREDENTIALS='\(env["MKT_CREDENTIALS"]!)' MKT_PASSWORD=one MKT_NEW_PASSWORD=two; \(script)", in: directory)
            #expect(result.status == 0, "\(result)")
            let file = try FileManager.default.attributesOfItem(atPath: env["MKT_CREDENTIALS"]!)[.posixPermissions] as? Int
            let folder = try FileManager.default.attributesOfItem(atPath: "\(directory)/config/mkt")[.posixPermissions] as? Int
            #expect(file == 0o600 && folder == 0o700)
        }
    }

    @Test(
        .enabled(if: Oracle.available("/usr/bin/python3"), "python3 is needed to drive a pseudo-terminal"),
        .timeLimit(.minutes(3))
    )
    func promptsOnATerminalWithoutEcho() throws {
        try withTemporaryDirectory { directory in
            // A pseudo-terminal drives `credential set` as a person would: password twice, then the secret.
            let result = try Terminal.drive(
                ["credential", "set", "red", "--passkey"],
                answering: [("new mkt master password: ", "typed-password"), ("again: ", "typed-password"), ("passkey for red: ", "TypedPasskey0123456789")],
                in: directory, environment: ["MKT_CREDENTIALS": "\(directory)/c/credentials"])
            #expect(result.status == 0, "\(result)")
            #expect(!result.stdout.contains("typed-password") && !result.stdout.contains("TypedPasskey"), "nothing typed is echoed: \(result.stdout)")
            let list = try MKTProcess.run(["credential", "list"], in: directory, environment: ["MKT_CREDENTIALS": "\(directory)/c/credentials", "MKT_PASSWORD": "typed-password"])
            #expect(list.stdout.contains("passkey  active"))
        }
    }

    /// Canary secrets through every command there is, successes and failures:
    /// none may show in any form in the store, on stdout or on stderr. (The
    /// one exception is `credential fill`, whose job is to print a secret, and
    /// the exported .torrent, which is written outside the store.)
    @Test func canariesNeverLeak() throws {
        try withTemporaryDirectory { directory in
            let env = environment(directory)
            try writeFile("\(directory)/Artist - Album/01.flac", String(repeating: "a", count: 70_000))
            try writeFile("\(directory)/Artist - Album/rip.log", "log")
            var outputs: [MKTResult] = []
            func mkt(_ arguments: [String], stdin: String? = nil, extra: [String: String] = [:]) throws -> MKTResult {
                let result = try MKTProcess.run(arguments, in: directory, stdin: stdin.map { Data($0.utf8) }, environment: env.merging(extra) { $1 })
                outputs.append(result)
                return result
            }
            _ = try mkt(["init"])
            _ = try mkt(["credential", "set", "red", "--label", "main"], stdin: Self.apiKeyCanary)
            _ = try mkt(["credential", "set", "red", "--passkey"], stdin: Self.passkeyCanary)
            _ = try mkt(["credential", "set", "ops", "--passkey"], stdin: Self.passkeyCanary + "\nsecond line")
            _ = try mkt(["credential", "list"])
            _ = try mkt(["credential", "list"], extra: ["MKT_PASSWORD": "wrong password"])
            let pieces = try mkt(["hash-release", "-w", "Artist - Album"]).stdout.trimmingCharacters(in: .newlines)
            _ = try mkt(["update-ref", "refs/releases/album", pieces])
            let torrent = try mkt(["make-torrent", "--release", "album", "--tracker", "red", "-w"]).stdout.trimmingCharacters(in: .newlines)
            _ = try mkt(["export", "--tracker", "red", torrent, "-o", "\(directory)/red.torrent"])
            _ = try mkt(["export", "--tracker", "red", torrent, "-o", "\(directory)/red.torrent"])
            _ = try mkt(["export", "--tracker", "ops", "album", "-o", "\(directory)/ops.torrent"], extra: ["MKT_PASSWORD": "wrong"])
            _ = try mkt(["export", "--tracker", "nowhere", "album"])
            _ = try mkt(["export", "--tracker", "red", "album", "-o", "-"], extra: ["MKT_PASSKEY": "with\nnewline"])
            _ = try mkt(["make-torrent", "--announce", "https://flacsfor.me/\(Self.passkeyCanary)/announce", "-w", "Artist - Album"])
            _ = try mkt(["hash-object", "-t", "torrent", "-w", "\(directory)/red.torrent"])
            _ = try mkt(["credential", "rotate", "red"], stdin: "NewKey0123456789")
            _ = try mkt(["cat-file", "-p", torrent])
            _ = try mkt(["ls-release", "album"])
            _ = try mkt(["for-each-ref"])
            _ = try mkt(["rev-parse", "album"])
            _ = try mkt(["verify", "album"])
            _ = try mkt(["fsck"])
            _ = try mkt(["gc"])
            _ = try mkt(["credential", "passwd"], extra: ["MKT_NEW_PASSWORD": "next"])
            #expect(outputs.count > 20)
            // Positive controls: the detector finds a secret where one is, in any encoding.
            #expect(Self.leaks(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/red.torrent")), of: Self.passkeyCanary))
            for prefix in ["", "x", "xy"] {
                #expect(Self.leaks(Data((Data(prefix.utf8) + Data(Self.apiKeyCanary.utf8)).base64EncodedString().utf8), of: Self.apiKeyCanary))
            }
            #expect(Self.leaks(Data(Self.apiKeyCanary.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!.utf8), of: Self.apiKeyCanary))
            for secret in [Self.apiKeyCanary, Self.passkeyCanary] {
                for (index, output) in outputs.enumerated() {
                    #expect(!Self.leaks(output.stdoutData, of: secret), "stdout of run \(index)")
                    #expect(!Self.leaks(Data(output.stderr.utf8), of: secret), "stderr of run \(index): \(output.stderr)")
                }
                let files = FileManager.default.enumerator(atPath: "\(directory)/.mkt")!.compactMap { $0 as? String }
                for file in files {
                    if let data = FileManager.default.contents(atPath: "\(directory)/.mkt/\(file)") {
                        #expect(!Self.leaks(data, of: secret), ".mkt/\(file)")
                    }
                }
            }
        }
    }
}

/// contrib/credential/mkt-credential-pass, with a stand-in `pass` on PATH.
struct PassHelperTests {
    @Test func thePassHelperAnswersTheProtocol() throws {
        try withTemporaryDirectory { directory in
            let contrib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../contrib/credential").standardized.path
            try writeFile("\(directory)/bin/pass", "#!/bin/sh\n[ \"$1 $2\" = 'show mkt/red/passkey' ] && printf 'passkey-from-pass\\nmetadata\\n'\n")
            chmod("\(directory)/bin/pass", 0o755)
            let answer = try MKTProcess.shell(
                "PATH='\(directory)/bin':$PATH; printf 'tracker=red\\nkind=passkey\\n\\n' | '\(contrib)/mkt-credential-pass' get", in: directory)
            #expect(answer.status == 0, "\(answer)")
            #expect(answer.stdout == "secret=passkey-from-pass\n")
            let unknown = try MKTProcess.shell(
                "PATH='\(directory)/bin':$PATH; printf 'tracker=ops\\nkind=passkey\\n\\n' | '\(contrib)/mkt-credential-pass' get", in: directory)
            #expect(unknown.status == 0 && unknown.stdout.isEmpty)
        }
    }
}
