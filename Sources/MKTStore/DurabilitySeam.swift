import Foundation
import Synchronization

/// Test seams over the steps DurableFile takes, for the power-loss and
/// write-protocol tests (Documentation/reliability.md), and for
/// tests that do not test durability at all. Each is off unless its variable
/// is set, and none is for users.
///
/// - `MKT_TEST_RECORD_WRITES=FILE` appends one line per step to FILE:
///   `<pid>.<thread> <step> <path> [<path>]`.
/// - `MKT_TEST_POWER_LOSS_AT=N` cuts the power just before the Nth step, or
///   as the process exits if it takes fewer: every effect no fsync has made
///   durable yet is undone (data written but not fsynced is lost, a name
///   changed in a directory that was not fsynced afterwards changes back),
///   then the process ends at once (status 137).
/// - `MKT_TEST_NO_FSYNC=1` skips the fsync system calls (the steps are still
///   taken, recorded and simulated above), so that in-process tests of other
///   things do not wait for the disk. Durability tests never set it, and the
///   test runner keeps it from every `mkt` it starts.
enum DurabilitySeam {
    enum Step {
        /// Data is about to be written to the file (a temp file or an append).
        case write(String)
        case fsync(String)
        /// Appended records are about to be taken back.
        case truncate(String)
        /// A file is about to be created by opening it (an append's first record).
        case create(String)
        case link(from: String, to: String)
        case rename(from: String, to: String)
        case unlink(String)
        case mkdir(String)
        case fsyncDirectory(String)

        var line: String {
            switch self {
            case .write(let path): "write \(path)"
            case .fsync(let path): "fsync \(path)"
            case .truncate(let path): "truncate \(path)"
            case .create(let path): "create \(path)"
            case .link(let from, let to): "link \(from) \(to)"
            case .rename(let from, let to): "rename \(from) \(to)"
            case .unlink(let path): "unlink \(path)"
            case .mkdir(let path): "mkdir \(path)"
            case .fsyncDirectory(let path): "fsync-dir \(path)"
            }
        }
    }

    /// What to do to forget an effect that is not durable yet.
    private enum Undo {
        case truncate(String, toLength: off_t)
        case remove(String)
        case restore(backup: String, to: String)
        case removeDirectory(String)

        func apply() {
            switch self {
            case .truncate(let path, let length): Glibc.truncate(path, length)
            case .remove(let path): Glibc.unlink(path)
            case .restore(let backup, let path): Glibc.rename(backup, path)
            case .removeDirectory(let path): Glibc.rmdir(path)
            }
        }
    }

    /// Effects not made durable yet: file data waits for an fsync of the file,
    /// a name for an fsync of its directory.
    private struct Pending {
        var steps = 0
        var data: [String: off_t] = [:]
        var names: [(directory: String, undo: Undo, backup: String?)] = []
    }

    private static let environment = ProcessInfo.processInfo.environment
    private static let journal = environment["MKT_TEST_RECORD_WRITES"]
    private static let powerLossAt = environment["MKT_TEST_POWER_LOSS_AT"].flatMap { Int($0) }
    private static let pending = Mutex(Pending())
    private static let skipsFsync = environment["MKT_TEST_NO_FSYNC"] == "1"

    /// fsync(2), or nothing under `MKT_TEST_NO_FSYNC=1`.
    static func fsync(_ fd: Int32) -> Int32 {
        skipsFsync ? 0 : Glibc.fsync(fd)
    }
    static let backupSuffix = ".power-loss-backup"

    /// Called just before DurableFile takes `step`.
    static func willTake(_ step: Step) {
        if let journal { record(step, in: journal) }
        guard let powerLossAt else { return }
        _ = cutAtExit
        pending.withLock { state in
            state.steps += 1
            if state.steps == powerLossAt { cutPower(state) }
            note(step, in: &state)
        }
    }

    private static func note(_ step: Step, in state: inout Pending) {
        switch step {
        case .write(let path):
            if state.data[path] == nil { state.data[path] = size(of: path) ?? 0 }
        case .fsync(let path):
            state.data[path] = nil
        case .truncate:
            break  // a cut before its fsync may keep either length: both are records mkt wrote
        case .create(let path):
            if size(of: path) == nil { state.names.append((parent(of: path), .remove(path), nil)) }
        case .link(_, let to):
            state.names.append((parent(of: to), .remove(to), nil))
        case .rename(let from, let to):
            // Data not yet fsynced goes with the file to its new name.
            if let length = state.data.removeValue(forKey: from) { state.data[to] = length }
            state.names.append(keepingOld(to, in: state))
        case .unlink(let path):
            state.names.append(keepingOld(path, in: state))
        case .mkdir(let path):
            state.names.append((parent(of: path), .removeDirectory(path), nil))
        case .fsyncDirectory(let directory):
            for name in state.names where name.directory == directory {
                if let backup = name.backup { unlink(backup) }
            }
            state.names.removeAll { $0.directory == directory }
        }
    }

    /// An effect that replaces or removes `path`: its old bytes are kept under
    /// a second name until the directory is fsynced, so a cut can bring them back.
    private static func keepingOld(_ path: String, in state: Pending) -> (directory: String, undo: Undo, backup: String?) {
        let backup = "\(path)\(backupSuffix)-\(state.steps)"
        guard link(path, backup) == 0 else { return (parent(of: path), .remove(path), nil) }
        return (parent(of: path), .restore(backup: backup, to: path), backup)
    }

    /// A cut after the last step still loses what is not durable by then.
    private static let cutAtExit: Void = {
        atexit { DurabilitySeam.pending.withLock { (state: inout Pending) -> Void in DurabilitySeam.cutPower(state) } }
    }()

    private static func cutPower(_ state: Pending) -> Never {
        for (path, length) in state.data { truncate(path, length) }
        for name in state.names.reversed() { name.undo.apply() }
        _exit(137)
    }

    private static func record(_ step: Step, in journal: String) {
        let line = Array("\(getpid()).\(pthread_self()) \(step.line)\n".utf8)
        let fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private static func size(of path: String) -> off_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_size : nil
    }

    private static func parent(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}
