import Foundation
import MKTTrackers
import MKTWorkflow
import Synchronization

/// How `mkt push` shows its work while it runs. On a terminal: one live line
/// per tracker on standard error (uploading, waiting N s for the rate limit
/// or the site's Retry-After, retrying in N s), redrawn in place, with the
/// lasting lines (results, notices) printed above them. Without a terminal no
/// live line at all: only what changed, which the command prints anyway.
/// With --verbose, each exchange is a lasting line: method, path (no host, no
/// secret), status, time, and why it failed or was waited out.
final class PushDisplay: Sendable {
    private struct State {
        /// The live line of each tracker, by tracker name.
        var lines: [String: String] = [:]
        /// How many live lines are on the screen, the cursor at the end of the last.
        var drawn = 0
    }

    private let live: Bool
    private let verbose: Bool
    private let state = Mutex(State())

    init(live: Bool, verbose: Bool) {
        self.live = live
        self.verbose = verbose
    }

    func handle(_ event: PushEvent) {
        let prefix = "\(event.tracker): "
        switch event.kind {
        case .uploading:
            update(event.tracker, prefix + "uploading \(event.release)")
        case .connection(.waiting(let seconds, let reason)):
            update(event.tracker, prefix + "\(event.release): waiting \(Self.seconds(seconds)) (\(reason.rawValue))")
        case .connection(.sending(let bytes)):
            update(event.tracker, prefix + "uploading \(event.release): sending \(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file))")
        case .connection(.sent(let sent, let total)):
            update(event.tracker, prefix + "uploading \(event.release): \(Self.progress(sent, of: total))")
        case .connection(.exchanged(let request, let status, let seconds, let note)):
            guard verbose else { return }
            let answer = status.map { "HTTP \($0)" } ?? "no answer"
            lasting("\(prefix)\(request) -> \(answer) in \(String(format: "%.0f", seconds * 1000)) ms\(note.map { ": \($0)" } ?? "")\n")
        case .retrying(let seconds, let attempt, _):
            update(event.tracker, prefix + "\(event.release): attempt \(attempt) failed; retrying in \(Self.seconds(seconds))")
        }
    }

    /// `1.2 MB of 3.4 MB (35 %)`; a site's numbers are never trusted to be sane, so the share is clamped.
    static func progress(_ sent: Int64, of total: Int64) -> String {
        let share = total > 0 ? min(max(Double(sent) / Double(total), 0), 1) : 0
        let size = { ByteCountFormatter.string(fromByteCount: $0, countStyle: .file) }
        return "\(size(sent)) of \(size(total)) (\(Int((share * 100).rounded(.down))) %)"
    }

    /// `2 s`, `0.5 s`: whole seconds when there are any.
    static func seconds(_ value: Double) -> String {
        value >= 1 ? "\(Int(value.rounded(.up))) s" : String(format: "%.1f s", value)
    }

    /// Prints a line that stays (on standard output or error, through `print`),
    /// the live lines redrawn below it; `ending` a tracker's live line when its work is done.
    func lasting(ending tracker: String? = nil, _ print: () -> Void) {
        state.withLock { state in
            clear(&state)
            print()
            if let tracker { state.lines[tracker] = nil }
            draw(&state)
        }
    }

    private func lasting(_ text: String) {
        lasting { Console.error(text) }
    }

    /// The live lines gone, before the summary.
    func finish() {
        state.withLock { state in
            clear(&state)
            state.lines = [:]
        }
    }

    private func update(_ tracker: String, _ text: String) {
        guard live else { return }
        state.withLock { state in
            clear(&state)
            state.lines[tracker] = text
            draw(&state)
        }
    }

    /// Erases the live lines: the current one, then each above it (ESC[K, ESC[1A).
    private func clear(_ state: inout State) {
        guard live, state.drawn > 0 else { return }
        Console.error("\r\u{1b}[K" + String(repeating: "\u{1b}[1A\u{1b}[K", count: state.drawn - 1))
        state.drawn = 0
    }

    private func draw(_ state: inout State) {
        guard live, !state.lines.isEmpty else { return }
        var size = winsize()
        let columns = ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        // A line longer than the terminal wraps, and erasing one line would leave the rest.
        let shown = state.lines.sorted { $0.key < $1.key }.map { String($0.value.prefix(max(columns - 1, 20))) }
        Console.error(shown.joined(separator: "\n"))
        state.drawn = shown.count
    }
}
