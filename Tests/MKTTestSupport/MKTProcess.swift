import Foundation

/// What one run of the `mkt` binary did.
public struct MKTResult: Sendable, CustomStringConvertible {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutData: Data

    public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs the `mkt` built beside the test bundle (or `MKT_BINARY`), like a user would.
public enum MKTProcess {
    public static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["MKT_BINARY"] { return explicit }
        let bundleDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundleDirectory.appendingPathComponent("mkt").path
    }

    /// The environment every run starts from: nothing of the caller's mkt
    /// settings or secrets, a credential store that does not exist unless a
    /// test points MKT_CREDENTIALS somewhere, and no global config unless a
    /// test points XDG_CONFIG_HOME somewhere.
    static var baseEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MKT_") }
        environment["MKT_CREDENTIALS"] = "/nonexistent/mkt-test/credentials"
        environment["XDG_CONFIG_HOME"] = "/nonexistent/mkt-test/config"
        environment["LC_ALL"] = "C"
        environment["COLUMNS"] = "80"
        return environment
    }

    /// Starts `mkt` and returns without waiting; `finish` collects the result.
    public static func start(
        _ arguments: [String],
        in directory: String,
        stdin: Data? = nil,
        environment: [String: String] = [:]
    ) throws -> RunningMKT {
        try start(executable: binary, arguments, in: directory, stdin: stdin, environment: environment)
    }

    /// Runs a `/bin/sh -c` command line with the built `mkt` first on PATH.
    @discardableResult
    public static func shell(_ command: String, in directory: String) throws -> MKTResult {
        try startShell(command, in: directory).finish()
    }

    /// Starts a `/bin/sh -c` command line without waiting. Run shells side by
    /// side this way, not with `&` and `wait` inside one: the test runner's
    /// threads block SIGCHLD, the shell inherits that mask, and dash's `wait`
    /// then never wakes.
    public static func startShell(_ command: String, in directory: String) throws -> RunningMKT {
        let binDirectory = (binary as NSString).deletingLastPathComponent
        let path = "\(binDirectory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"
        return try start(executable: "/bin/sh", ["-c", command], in: directory, stdin: nil, environment: ["PATH": path])
    }

    private static func start(
        executable: String,
        _ arguments: [String],
        in directory: String,
        stdin: Data?,
        environment: [String: String]
    ) throws -> RunningMKT {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = baseEnvironment.merging(environment) { $1 }
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        let stdoutURL = outputs.appendingPathComponent("stdout")
        let stderrURL = outputs.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        if let stdin {
            let inputURL = outputs.appendingPathComponent("stdin")
            try stdin.write(to: inputURL)
            process.standardInput = try FileHandle(forReadingFrom: inputURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return RunningMKT(process: process, outputs: outputs)
    }

    /// Runs `mkt` to the end.
    @discardableResult
    public static func run(
        _ arguments: [String],
        in directory: String,
        stdin: Data? = nil,
        environment: [String: String] = [:]
    ) throws -> MKTResult {
        try start(arguments, in: directory, stdin: stdin, environment: environment).finish()
    }

    /// Runs `mkt` under a wrapper command such as `faketime -f +1y`.
    @discardableResult
    public static func run(under wrapper: [String], _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> MKTResult {
        try start(executable: wrapper[0], Array(wrapper.dropFirst()) + [binary] + arguments, in: directory, stdin: nil, environment: environment).finish()
    }

    /// Runs `mkt` with standard input as text.
    @discardableResult
    public static func run(_ arguments: [String], in directory: String, input: String) throws -> MKTResult {
        try run(arguments, in: directory, stdin: Data(input.utf8))
    }
}

/// An `mkt` process that was started and may still be running.
public struct RunningMKT {
    let process: Process
    let outputs: URL

    public var pid: Int32 { process.processIdentifier }

    /// What it has written to standard output so far, for a test that waits on a long-running mkt.
    public var stdoutSoFar: String {
        String(decoding: (try? Data(contentsOf: outputs.appendingPathComponent("stdout"))) ?? Data(), as: UTF8.self)
    }

    public var isRunning: Bool { process.isRunning }

    /// What the process has written to stderr so far.
    public var stderrSoFar: String {
        String(decoding: (try? Data(contentsOf: outputs.appendingPathComponent("stderr"))) ?? Data(), as: UTF8.self)
    }

    public func finish() throws -> MKTResult {
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: outputs) }
        let stdout = try Data(contentsOf: outputs.appendingPathComponent("stdout"))
        let stderr = try Data(contentsOf: outputs.appendingPathComponent("stderr"))
        return MKTResult(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self),
            stdoutData: stdout
        )
    }
}
