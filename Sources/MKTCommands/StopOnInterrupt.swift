import Dispatch
import Foundation
import MKTHTTP
import Synchronization

/// Ctrl-C during a push: the first one asks the workers to finish the
/// attempt under way and take no new job (every job stays resumable); a
/// second one exits at once, as git does, leaving `uploading` jobs for the
/// next push to look up before it sends anything again.
enum StopOnInterrupt {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    /// Its own serial queue, which libdispatch gives a thread of its own
    /// (serial queues overcommit): on the global queue the handler waited
    /// behind the hashing's work, which fills every core, and Ctrl-C during
    /// `mkt add` acted only once the hashing had ended.
    private static let queue = DispatchQueue(label: "mkt.stop-on-interrupt")

    /// - Parameter atOnce: what a second Ctrl-C leaves behind.
    static func install(
        what: String, atOnce: String = "the next 'mkt push --queue' looks up what was being sent before sending it again"
    ) {
        let presses = Mutex<Int>(0)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let count = presses.withLock { $0 += 1; return $0 }
                if count == 1 {
                    Interruption.request()
                    Console.error("stopping: \(what) (Ctrl-C again to stop at once)\n")
                } else {
                    Console.error("stopped at once; \(atOnce)\n")
                    Foundation.exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Ctrl-C for a command that has nothing to finish (hashing, a prompt):
    /// the progress line cleared, one line saying what was kept, exit 130.
    static func exitSaying(_ what: @escaping @Sendable () -> String) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                Console.error("\r\u{1B}[K\(what())\n")
                Foundation.exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
