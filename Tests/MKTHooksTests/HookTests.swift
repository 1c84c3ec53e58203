import Foundation
import MKTHooks
import MKTTestSupport
import Testing

struct HookTests {
    func install(_ script: String, in directory: String, mode: mode_t = 0o755) throws -> Hook {
        try FileManager.default.createDirectory(atPath: "\(directory)/hooks", withIntermediateDirectories: true)
        try writeFile("\(directory)/hooks/pre-push", script)
        chmod("\(directory)/hooks/pre-push", mode)
        return Hook(name: "pre-push", directory: "\(directory)/hooks")
    }

    @Test func argumentsInputDirectoryAndEnvironment() throws {
        try withTemporaryDirectory { directory in
            let hook = try install("#!/bin/sh\nprintf '%s|%s|%s|%s\\n' \"$1\" \"$2\" \"$(pwd)\" \"$MKT_DIR\" > out\ncat >> out\nexit 0\n", in: directory)
            let outcome = try hook.run(arguments: ["red", "https://redacted.sh"], input: Data("line one\nline two\n".utf8), directory: directory, environment: ["MKT_DIR": "\(directory)/.mkt", "PATH": "/usr/bin:/bin"])
            #expect(outcome == .ran(status: 0))
            #expect(try String(contentsOfFile: "\(directory)/out", encoding: .utf8) == "red|https://redacted.sh|\(directory)|\(directory)/.mkt\nline one\nline two\n")
        }
    }

    /// A megabyte of input to a hook that reads none of it: the write fails
    /// with EPIPE, and the caller carries on with the hook's status.
    @Test func aHookThatIgnoresItsInputDoesNotKillTheCaller() throws {
        try withTemporaryDirectory { directory in
            let hook = try install("#!/bin/sh\nexit 0\n", in: directory)
            let input = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
            #expect(try hook.run(arguments: [], input: input, directory: directory, environment: [:]) == .ran(status: 0))
            let refusing = try install("#!/bin/sh\nexec 0<&-\nexit 3\n", in: directory)
            #expect(try refusing.run(arguments: [], input: input, directory: directory, environment: [:]) == .ran(status: 3))
        }
    }

    /// The test runner's threads block SIGCHLD; a hook must not inherit that,
    /// or a shell's `wait` never returns.
    @Test func theHookStartsWithNoSignalBlocked() throws {
        try withTemporaryDirectory { directory in
            let hook = try install("#!/bin/sh\nsleep 0.05 &\nwait\ngrep '^SigBlk' /proc/self/status > blocked\n", in: directory)
            #expect(try hook.run(arguments: [], input: Data(), directory: directory, environment: ["PATH": "/usr/bin:/bin"]) == .ran(status: 0))
            #expect(try String(contentsOfFile: "\(directory)/blocked", encoding: .utf8) == "SigBlk:\t0000000000000000\n")
        }
    }

    @Test func whatIsNotRun() throws {
        try withTemporaryDirectory { directory in
            #expect(Hook(name: "pre-push", directory: "\(directory)/hooks").check() == .missing)
            let plain = try install("#!/bin/sh\nexit 0\n", in: directory, mode: 0o644)
            #expect(plain.check() == .skipped("\(directory)/hooks/pre-push is not executable; it was not run (chmod +x to enable it)"))
            let shared = try install("#!/bin/sh\nexit 0\n", in: directory, mode: 0o775)
            #expect(shared.check() == .skipped("\(directory)/hooks/pre-push is writable by group or others; it was not run (chmod go-w)"))
            // A link to nothing, or a loop of links, is broken, not missing.
            try FileManager.default.removeItem(atPath: "\(directory)/hooks/pre-push")
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/hooks/pre-push", withDestinationPath: "\(directory)/gone")
            #expect(shared.check() == .broken("\(directory)/hooks/pre-push is a symbolic link that leads nowhere (No such file or directory); fix it or remove it"))
            try FileManager.default.removeItem(atPath: "\(directory)/hooks/pre-push")
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/hooks/pre-push", withDestinationPath: "\(directory)/hooks/pre-push")
            if case .broken = shared.check() {} else { Issue.record("a loop of links: \(String(describing: shared.check()))") }
            try FileManager.default.removeItem(atPath: "\(directory)/hooks/pre-push")
            let killed = try install("#!/bin/sh\nkill -9 $$\n", in: directory)
            let outcome = try killed.run(arguments: [], input: Data(), directory: directory, environment: [:])
            #expect(outcome == .ran(status: 128 + 9), "\(outcome)")
        }
    }
}
