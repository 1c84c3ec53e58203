import Foundation
import MKTSubprocess

/// A program in `.mkt/hooks/` run at a fixed point, with git's conventions
/// (githooks(5)): arguments and lines on standard input, its standard output
/// sent to mkt's standard error, exit status 0 to go on.
public struct Hook: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// No file by that name: nothing to run.
        case missing
        /// A file mkt will not run, and why (said to the user, never silently).
        case skipped(String)
        /// A name that is there but leads nowhere (a dangling link, a loop of
        /// links): a hook that cannot be run must not count as one that allows.
        case broken(String)
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
        guard stat(path, &info) == 0 else {
            let error = errno
            var link = stat()
            guard lstat(path, &link) == 0 else { return .missing }
            return .broken("\(path) is a symbolic link that leads nowhere (\(String(cString: strerror(error)))); fix it or remove it")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return .skipped("\(path) is not a regular file; it was not run") }
        guard info.st_uid == geteuid() else { return .skipped("\(path) belongs to another user; it was not run") }
        guard info.st_mode & 0o022 == 0 else { return .skipped("\(path) is writable by group or others; it was not run (chmod go-w)") }
        guard access(path, X_OK) == 0 else { return .skipped("\(path) is not executable; it was not run (chmod +x to enable it)") }
        return nil
    }

    /// The longest a hook may run before it is stopped (and counts as refusing).
    public static let timeout: TimeInterval = 3600

    /// Runs the hook in `directory` and waits for it. Input the hook does not
    /// read is dropped: a hook may exit without reading it. Its output goes
    /// to mkt's standard error.
    public func run(arguments: [String], input: Data, directory: String, environment: [String: String]) throws(HookError) -> Outcome {
        if let refusal = check() { return refusal }
        // posix_spawn cannot change directory portably: a shell does, then becomes the hook.
        let child = ChildProcess(
            ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, path] + arguments, environment: environment, input: input,
            standardOutput: .descriptor(2), standardError: .descriptor(2), timeout: Self.timeout)
        do {
            return .ran(status: try child.run().status)
        } catch {
            throw .cannotStart(path, "\(error)")
        }
    }
}

public enum HookError: Error, Equatable, CustomStringConvertible {
    case cannotStart(String, String)
    /// A hook that guards a push cannot be run: nothing is sent.
    case broken(String)

    public var description: String {
        switch self {
        case .cannotStart(let path, let reason): "cannot run \(path): \(reason)"
        case .broken(let why): "\(why); nothing was sent"
        }
    }
}
