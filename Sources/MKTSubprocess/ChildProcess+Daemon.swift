import CMKTSystem
import Foundation

extension ChildProcess {
    /// Starts the program as a daemon and does not wait for it: a session of
    /// its own (no controlling terminal, so a closing terminal or Ctrl-C does
    /// not reach it), standard input, output and error on /dev/null and no
    /// other descriptor of the caller's (it holds no terminal or pipe open), signals at their defaults.
    /// `input`, the outputs and `timeout` are not used: a daemon decides its own end.
    /// - Returns: its process id.
    public func startDaemon() throws(ChildProcessError) -> pid_t {
        guard let program = arguments.first else { throw .cannotStart("", "no program named") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // And nothing else of the caller's: a pipe a test (or a shell) reads to its end would never end.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let (spawned, pid) = Self.spawn(program, arguments, environment, &actions, defaultSignals: [SIGPIPE, SIGINT, SIGTERM, SIGHUP], flags: MKT_POSIX_SPAWN_SETSID)
        guard spawned == 0 else { throw .cannotStart(program, String(cString: strerror(spawned))) }
        return pid
    }
}
