import CMKTSystem
import Foundation

/// A program mkt runs and waits for (a hook, a credential helper, a
/// password command), never for longer than a deadline: the child gets a
/// process group of its own, and when time is up the whole group is killed,
/// so a grandchild it left behind cannot outlive mkt either.
public struct ChildProcess: Sendable {
    /// Where one of the child's output streams goes.
    public enum Output: Sendable, Equatable {
        /// Into the result.
        case capture
        /// Onto one of mkt's own descriptors (2: mkt's standard error).
        case descriptor(Int32)
        /// Nowhere.
        case discard
    }

    public struct Result: Sendable, Equatable {
        /// The exit status, or 128 + N when killed by signal N.
        public var status: Int32
        public var standardOutput: Data
        public var standardError: Data
        /// The deadline passed and the child's process group was killed.
        public var timedOut: Bool
    }

    public var arguments: [String]
    public var environment: [String: String]
    public var input: Data
    public var standardOutput: Output
    public var standardError: Output
    /// Seconds the child may run.
    public var timeout: TimeInterval
    /// The most a captured stream keeps; the rest is read and dropped.
    public var captureLimit = 1 << 20

    public init(_ arguments: [String], environment: [String: String], input: Data = Data(), standardOutput: Output = .capture, standardError: Output = .capture, timeout: TimeInterval) {
        self.arguments = arguments
        self.environment = environment
        self.input = input
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.timeout = timeout
    }

    /// Starts the child, feeds it `input`, collects what it writes, and waits
    /// for it (or kills its group at the deadline).
    public func run() throws(ChildProcessError) -> Result {
        guard let program = arguments.first else { throw .cannotStart("", "no program named") }
        // A write to a child that has exited must be an error here, not a signal that kills mkt.
        signal(SIGPIPE, SIG_IGN)
        let input = try Pipe(program)
        defer { input.closeBoth() }
        let output = standardOutput == .capture ? try Pipe(program) : nil
        defer { output?.closeBoth() }
        let errors = standardError == .capture ? try Pipe(program) : nil
        defer { errors?.closeBoth() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        for (destination, target, pipe) in [(standardOutput, Int32(1), output), (standardError, Int32(2), errors)] {
            switch destination {
            case .capture: if let pipe { posix_spawn_file_actions_adddup2(&actions, pipe.write, target) }
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .discard: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        // Its own process group (to kill it whole), no signal blocked, and
        // SIGPIPE, SIGINT, SIGTERM at their defaults whatever mkt set: shells misbehave otherwise.
        let (spawned, pid) = Self.spawn(program, arguments, environment, &actions, defaultSignals: [SIGPIPE, SIGINT, SIGTERM], flags: Int32(POSIX_SPAWN_SETPGROUP))
        // The child has its own copies of these ends.
        input.closeRead()
        output?.closeWrite()
        errors?.closeWrite()
        guard spawned == 0 else { throw .cannotStart(program, String(cString: strerror(spawned))) }

        let deadline = Date().addingTimeInterval(timeout)
        var reading = [output, errors].compactMap { $0 }
        var collected: [Int32: Data] = [:]
        var offset = 0
        if self.input.isEmpty { input.closeWrite() }
        for pipe in reading { _ = fcntl(pipe.read, F_SETFL, O_NONBLOCK) }
        if input.write >= 0 { _ = fcntl(input.write, F_SETFL, O_NONBLOCK) }
        var timedOut = false
        var status: Int32 = 0
        var exited = false
        while !exited {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                timedOut = true
                break
            }
            var polled = reading.map { pollfd(fd: $0.read, events: Int16(POLLIN), revents: 0) }
            if input.write >= 0 { polled.append(pollfd(fd: input.write, events: Int16(POLLOUT), revents: 0)) }
            // With nothing left to read or write, poll is a short sleep between checks for the exit.
            let wait = polled.isEmpty ? 10 : Int32(min(left, 0.25) * 1000) + 1
            if poll(&polled, nfds_t(polled.count), wait) < 0 && errno != EINTR { break }
            for entry in polled where entry.revents != 0 {
                if entry.fd == input.write {
                    let written = self.input.withUnsafeBytes { write(entry.fd, $0.baseAddress! + offset, $0.count - offset) }
                    if written > 0 { offset += written }
                    // EPIPE: the child did not want the rest.
                    if (written < 0 && errno != EAGAIN && errno != EINTR) || offset >= self.input.count { input.closeWrite() }
                    continue
                }
                var buffer = [UInt8](repeating: 0, count: 65536)
                let got = read(entry.fd, &buffer, buffer.count)
                if got > 0 {
                    if collected[entry.fd, default: Data()].count < captureLimit { collected[entry.fd, default: Data()].append(contentsOf: buffer.prefix(got)) }
                } else if got == 0 || (errno != EAGAIN && errno != EINTR) {
                    reading.removeAll { $0.read == entry.fd }
                }
            }
            if reading.isEmpty {
                let reaped = waitpid(pid, &status, WNOHANG)
                exited = reaped == pid || (reaped < 0 && errno != EINTR)
            }
        }
        if !exited {
            // The group dies while its leader, unreaped, still holds the number: no other process can be hit.
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 {
                guard errno == EINTR else { throw .cannotStart(program, "lost track of the process: \(String(cString: strerror(errno)))") }
            }
        }
        let signalNumber = status & 0x7f
        func captured(_ pipe: Pipe?) -> Data { pipe.flatMap { collected[$0.read] }.map { Data($0.prefix(captureLimit)) } ?? Data() }
        return Result(
            status: signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber,
            standardOutput: captured(output), standardError: captured(errors), timedOut: timedOut)
    }
}

/// A pipe whose ends are each closed exactly once: a second close could hit
/// a descriptor another thread just opened.
final class Pipe {
    private(set) var read: Int32
    private(set) var write: Int32

    init(_ program: String) throws(ChildProcessError) {
        var ends: [Int32] = [0, 0]
        // Close-on-exec from the start: a child another thread spawns must not inherit an end.
        guard mkt_pipe_cloexec(&ends) == 0 else { throw .cannotStart(program, String(cString: strerror(errno))) }
        read = ends[0]
        write = ends[1]
    }

    func closeRead() {
        if read >= 0 { close(read) }
        read = -1
    }

    func closeWrite() {
        if write >= 0 { close(write) }
        write = -1
    }

    func closeBoth() {
        closeRead()
        closeWrite()
    }
}

public enum ChildProcessError: Error, Equatable, CustomStringConvertible {
    case cannotStart(String, String)

    public var description: String {
        switch self {
        case .cannotStart(let program, let reason): "cannot run \(program): \(reason)"
        }
    }
}

extension ChildProcess {
    /// posix_spawn with no signal blocked, `defaultSignals` at their defaults,
    /// and `flags` (a new process group is group 0, i.e. its own).
    /// - Returns: posix_spawn's result (0 or an errno) and the child's id.
    static func spawn(
        _ program: String, _ arguments: [String], _ environment: [String: String], _ actions: inout posix_spawn_file_actions_t,
        defaultSignals: [Int32], flags: Int32
    ) -> (result: Int32, pid: pid_t) {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in defaultSignals { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | flags))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        return (result, pid)
    }

    /// Where a program is on a PATH (ChildProcess runs paths, not names):
    /// the first executable `DIR/name`, or nil. Without a PATH, /usr/bin:/bin.
    public static func executable(named name: String, searchPath: String?) -> String? {
        (searchPath ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
