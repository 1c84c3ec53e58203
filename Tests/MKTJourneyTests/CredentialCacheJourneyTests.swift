import Foundation
import MKTTestSupport
import Testing

/// The master password typed on a terminal is asked once and remembered for
/// `credential.cache-timeout` (issue 16, #14), by a daemon that holds the
/// store's key in memory only.
///
/// Not tested here: that the socket refuses a process of another user (the
/// SO_PEERCRED check). The tests run as root, which the mode 0600 socket and
/// 0700 folder do not keep out, and dropping to another uid needs privileges
/// a test should not use; the check is the same `peerIsUs` on both ends.
struct CredentialCacheJourneyTests {
    static let password = "typed-password-canary-5Qx"

    private func setUp(_ directory: String) throws -> [String: String] {
        let runtime = "\(directory)/run"
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = ["MKT_CREDENTIALS": "\(directory)/c/credentials", "XDG_RUNTIME_DIR": runtime, "XDG_CONFIG_HOME": "\(directory)/config"]
        // Made with MKT_PASSWORD, which asks nobody: nothing is cached for it.
        let set = try MKTProcess.run(["credential", "set", "red"], in: directory, stdin: Data("SomeApiKey0123456789".utf8), environment: env.merging(["MKT_PASSWORD": Self.password]) { $1 })
        #expect(set.status == 0, "\(set)")
        #expect(!FileManager.default.fileExists(atPath: "\(runtime)/mkt/credential-cache/socket"), "a password from the environment is not cached")
        return env
    }

    private func list(_ directory: String, _ env: [String: String], typing: Bool) throws -> MKTResult {
        let result = try Terminal.drive(["credential", "list"], answering: typing ? [("mkt master password: ", Self.password)] : [], in: directory, environment: env)
        #expect(result.status == 0 && result.stdout.contains("api-key  active"), "\(result)")
        return result
    }

    private func writeConfig(_ directory: String, timeout: String) throws {
        try FileManager.default.createDirectory(atPath: "\(directory)/config/mkt", withIntermediateDirectories: true)
        try "[credential]\n\tcache-timeout = \(timeout)\n".write(toFile: "\(directory)/config/mkt/config", atomically: true, encoding: .utf8)
    }

    /// The daemon's process ids, by its socket on its command line.
    private func daemons(_ socket: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { pid in
            guard pid.allSatisfy(\.isNumber), let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: line, as: UTF8.self).contains("__credential-cache-daemon\u{0}\(socket)")
        }
    }

    @Test(
        .enabled(if: Oracle.available("/usr/bin/python3"), "python3 is needed to drive a pseudo-terminal"),
        .timeLimit(.minutes(3))
    )
    func aTypedPasswordIsAskedOnceUntilExitOrTimeout() throws {
        try withTemporaryDirectory { directory in
            let env = try setUp(directory)
            let folder = "\(directory)/run/mkt/credential-cache"
            let socket = "\(folder)/socket"
            defer { _ = try? MKTProcess.run(["credential", "cache", "exit"], in: directory, environment: env) }

            let first = try list(directory, env, typing: true)
            #expect(first.stdout.contains("mkt master password: "))
            let second = try list(directory, env, typing: false)
            #expect(!second.stdout.contains("password"), "the second command asks nothing: \(second.stdout)")

            // The socket and its folder are private; nothing else is written; the password is nowhere.
            let folderMode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
            let socketAttributes = try FileManager.default.attributesOfItem(atPath: socket)
            #expect(folderMode == 0o700)
            #expect(socketAttributes[.posixPermissions] as? Int == 0o600 && socketAttributes[.type] as? FileAttributeType == .typeSocket)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["socket"])
            let pids = daemons(socket)
            #expect(pids.count == 1, "one daemon: \(pids)")
            for pid in pids {
                for file in ["cmdline", "environ"] {
                    let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/\(file)") ?? Data()
                    #expect(!bytes.isEmpty && bytes.range(of: Data(Self.password.utf8)) == nil, "no password in the daemon's \(file)")
                }
                let status = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/limits") ?? Data(), as: UTF8.self)
                #expect(status.split(separator: "\n").contains { $0.hasPrefix("Max core file size") && $0.contains(" 0 ") }, "core dumps off: \(status)")
            }

            // Told to forget: asked again.
            let exit = try MKTProcess.run(["credential", "cache", "exit"], in: directory, environment: env)
            #expect(exit.status == 0 && exit.stderr == "credential cache: forgotten\n", "\(exit)")
            let third = try list(directory, env, typing: true)
            #expect(third.stdout.contains("mkt master password: "))

            // A timeout of 2 s: asked again once it has passed.
            _ = try MKTProcess.run(["credential", "cache", "exit"], in: directory, environment: env)
            try writeConfig(directory, timeout: "2")
            _ = try list(directory, env, typing: true)
            Thread.sleep(forTimeInterval: 3)
            let afterTimeout = try list(directory, env, typing: true)
            #expect(afterTimeout.stdout.contains("mkt master password: "))

            // 0: no cache, no daemon.
            _ = try MKTProcess.run(["credential", "cache", "exit"], in: directory, environment: env)
            try writeConfig(directory, timeout: "0")
            _ = try list(directory, env, typing: true)
            _ = try list(directory, env, typing: true)
            #expect(!FileManager.default.fileExists(atPath: socket))
            let none = try MKTProcess.run(["credential", "cache", "exit"], in: directory, environment: env)
            #expect(none.stderr == "credential cache: nothing remembered\n")
        }
    }

    /// The daemon outlives no store: once the store file is gone it forgets its key and exits.
    @Test(
        .enabled(if: Oracle.available("/usr/bin/python3"), "python3 is needed to drive a pseudo-terminal"),
        .timeLimit(.minutes(3))
    )
    func theDaemonEndsWithItsStore() throws {
        try withTemporaryDirectory { directory in
            let env = try setUp(directory)
            let socket = "\(directory)/run/mkt/credential-cache/socket"
            _ = try list(directory, env, typing: true)
            #expect(daemons(socket).count == 1)
            try FileManager.default.removeItem(atPath: "\(directory)/c/credentials")
            // It looks each second; it exits once it holds nothing and has run 10 s.
            var waited = 0.0
            while !daemons(socket).isEmpty && waited < 20 {
                Thread.sleep(forTimeInterval: 0.5)
                waited += 0.5
            }
            #expect(daemons(socket).isEmpty, "the daemon exited")
            #expect(!FileManager.default.fileExists(atPath: socket), "and took its socket")
        }
    }
}
