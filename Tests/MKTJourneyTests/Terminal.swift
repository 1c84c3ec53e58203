import Foundation
import MKTTestSupport

/// Runs the built `mkt` on a pseudo-terminal (Python's pty), as a person at a
/// keyboard: waits for each prompt, then types its answer (`^C` is Ctrl-C).
enum Terminal {
    static let script = """
        import os, pty, signal, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(sys.argv[2])
            os.execv(sys.argv[1], [sys.argv[1]] + sys.argv[4:])
        seen = b''
        unread = b''
        def give_up(*_):
            # A prompt that never comes fails the test instead of hanging it.
            os.kill(pid, signal.SIGKILL)
            raise SystemExit('no prompt in 120 s; the terminal showed: ' + seen.decode(errors='replace'))
        signal.signal(signal.SIGALRM, give_up)
        def until(text):
            # Each prompt is looked for after the one before: a question asked twice is answered twice.
            # Each gets its own 120 s (a loaded machine hashes slowly), not the session as a whole.
            global seen, unread
            signal.alarm(120)
            while text not in unread:
                chunk = os.read(fd, 1024)
                if not chunk:
                    raise SystemExit('mkt ended before ' + repr(text) + ': ' + seen.decode(errors='replace'))
                seen += chunk
                unread += chunk
            unread = unread[unread.index(text) + len(text):]
        for step in filter(None, sys.argv[3].split('|')):
            prompt, answer = step.split('=>')
            until(prompt.encode())
            os.write(fd, b'\\x03' if answer == '^C' else answer.encode() + b'\\n')
        signal.alarm(120)
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(seen.decode(errors='replace'))
        sys.exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
        """

    /// - Returns: what the terminal showed (as stdout), and mkt's exit status (128 + N if killed by signal N).
    static func drive(_ arguments: [String], answering steps: [(prompt: String, answer: String)], in directory: String, environment: [String: String] = [:]) throws -> MKTResult {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let plan = steps.map { "\($0.prompt)=>\($0.answer)" }.joined(separator: "|")
        return try Oracle.run("/usr/bin/env", assignments + [Oracle.python, "-c", script, MKTProcess.binary, directory, plan] + arguments, in: directory)
    }
}
