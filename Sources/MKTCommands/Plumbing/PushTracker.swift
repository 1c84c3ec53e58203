import ArgumentParser
import Foundation
import MKTConfig
import MKTCredentials
import MKTStore
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct PushTracker: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push-tracker",
            abstract: "Upload one stored torrent to one tracker; write a receipt object and print its id.",
            discussion: """
                TORRENT is a torrent object built for TRACKER (make-torrent --tracker TRACKER -w);
                META the meta object (or a ref to it, like refs/releases/NAME) whose description
                fills the upload form. Rip logs of a CD lossless release are read from its folder.

                One attempt, or up to 1 + --retries when the attempt may be repeated (the network
                failed, the site was busy or rate-limited, or answered 5xx). Each attempt is a
                receipt object chained to the one before; after an attempt whose outcome is
                unknown, the next one looks the torrent up on the site before sending anything.
                Refusals (bad key, form errors, a duplicate) are never retried. No ref moves:
                'mkt update-ref refs/trackers/TRACKER/NAME ID' records the result.

                The API key (DIC: the session cookie) comes from the credential helper or the
                credential store. Requests keep to the site's rate limit, shared by every mkt
                process of this user (state in $XDG_STATE_HOME/mkt).

                Exit status: 0 when the site has the torrent (or a dry run passed), 1 otherwise.
                """
        )

        @Argument(help: "The tracker: red, ops, dic, or one in the config.")
        var tracker: String

        @Argument(help: "The torrent object to upload.")
        var torrent: String

        @Option(help: "The meta object describing the release.")
        var meta: String

        @Flag(help: "Check everything (credentials, form, duplicates; RED also checks the upload itself) and upload nothing.")
        var dryRun = false

        @Option(help: "The receipt of an earlier attempt at this upload, to continue its chain.")
        var previous: String?

        @Option(help: "Attempts to make after a failure that may be retried (default 0).")
        var retries = 0

        func validate() throws {
            guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        }

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            let site = try repository.config.tracker(tracker)
            let job = try repository.uploadJob(site: site, torrent: torrent, meta: meta, dryRun: dryRun)
            let previousID = try previous.map { try repository.resolve($0) }
            let uploader = try context.uploader()(site)
            let (id, receipt) = try repository.push(job, with: uploader, previous: previousID, retries: retries, policy: try context.retryPolicy(), report: { _, receipt, pause in
                if let pause {
                    Console.error("\(tracker): attempt \(receipt.attempt): \(receipt.summary); trying again in \(String(format: "%.1f", pause)) s\n")
                }
            })
            Console.write(id.hex + "\n")
            guard receipt.succeeded || receipt.outcome == .dryRun else {
                throw CommandError.pushFailed(tracker: tracker, summary: receipt.summary)
            }
        }
    }
}
