import Foundation

/// A program in `.mkt/hooks/` run at a fixed point, with git's conventions
/// (githooks(5)): arguments and lines on standard input, its standard output
/// sent to mkt's standard error, exit status 0 to go on.
public struct Hook: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// No file by that name: nothing to run.
        case missing
        /// A file mkt will not run, and why (said to the user, never silently).
        case skipped(String)
        /// The hook ran; its exit status (128 + N when killed by signal N).
        case ran(status: Int32)
    }

    public let name: String
    public let path: String

    public init(name: String, directory: String) {
        self.name = name
        path = "\(directory)/\(name)"
    }

    /// Whether the file may be run: a regular file of this user, executable,
    /// and writable by no one else (a hook others can change runs their code).
    public func check() -> Outcome? {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        guard info.st_mode & S_IFMT == S_IFREG else { return .skipped("\(path) is not a regular file; it was not run") }
        guard info.st_uid == geteuid() else { return .skipped("\(path) belongs to another user; it was not run") }
        guard info.st_mode & 0o022 == 0 else { return .skipped("\(path) is writable by group or others; it was not run (chmod go-w)") }
        guard access(path, X_OK) == 0 else { return .skipped("\(path) is not executable; it was not run (chmod +x to enable it)") }
        return nil
    }

    /// Runs the hook in `directory` and waits for it. Input the hook does not
    /// read is dropped: a hook may exit without reading it.
    public func run(arguments: [String], input: Data, directory: String, environment: [String: String]) throws(HookError) -> Outcome {
        if let refusal = check() { return refusal }
        // A write to a hook that has exited must be an error here, not a signal that kills mkt.
        signal(SIGPIPE, SIG_IGN)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw .cannotStart(path, String(cString: strerror(errno))) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        // The child starts with no signal blocked and SIGPIPE at its default,
        // whatever the spawning thread had: shells misbehave otherwise.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // posix_spawn cannot change directory portably: a shell does, then becomes the hook.
        let argv = (["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(readEnd)
        // Each end is closed exactly once: a second close could hit a descriptor another thread just opened.
        guard spawned == 0 else {
            close(writeEnd)
            throw .cannotStart(path, String(cString: strerror(spawned)))
        }

        input.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break }  // EPIPE: the hook did not want the rest
                offset += written
            }
        }
        close(writeEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw .cannotStart(path, "lost track of the hook process: \(String(cString: strerror(errno)))") }
        }
        let signalNumber = status & 0x7f
        return .ran(status: signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber)
    }
}

public enum HookError: Error, Equatable, CustomStringConvertible {
    case cannotStart(String, String)

    public var description: String {
        switch self {
        case .cannotStart(let path, let reason): "cannot run \(path): \(reason)"
        }
    }
}
