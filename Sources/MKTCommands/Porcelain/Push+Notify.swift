import Foundation
import MKTHTTP
import MKTNotify
import MKTObjects
import MKTWorkflow

/// `mkt push` tells the `[notify "NAME"]` notifiers of its results. A
/// notification that fails is a warning naming the notifier; the push's exit
/// status stays what the uploads make it.
extension MKT.Push {
    /// The notification a result calls for; nil when there is nothing to tell (up to date, a dry run).
    static func notification(for result: PushResult, at time: Date) -> MKTNotify.Notification? {
        if result.upToDate { return nil }
        let event: NotificationEvent
        let outcome: String
        if result.refusal != nil {
            (event, outcome) = (.attention, "refused")
        } else if let receipt = result.receipt {
            outcome = receipt.outcome.rawValue
            switch receipt.outcome {
            case .dryRun: return nil
            case .success, .recovered, .adopted: event = result.unrecorded != nil || receipt.seedError != nil ? .attention : .success
            case .outcomeUnknown, .prepared: event = .attention
            // Refused by mkt before asking the site (a rule, a missing key): a person's move, not the site's no.
            case .rejected where receipt.category == .local: event = .attention
            case .rejected, .failed: event = .failure
            }
        } else {
            return nil
        }
        let message = Console.redact(result.summary)
        return MKTNotify.Notification(event: event, tracker: result.tracker, release: result.release, outcome: outcome,
                                      message: message, url: result.receipt?.url.map(Console.redact), time: time)
    }

    /// Sends one notification per result to the notifiers configured for its event; a warning line per failure.
    /// A notifier set up wrongly is a warning too: the uploads are done by now.
    static func notify(_ results: [PushResult], context: CommandContext) {
        let notifiers: [Notifier]
        do {
            notifiers = try Notifier.configured(context.config)
        } catch {
            return Console.diagnose(.warning, "no notifications sent: \(error)")
        }
        guard !notifiers.isEmpty else { return }
        // Webhook addresses hold tokens: no line mkt prints may show one.
        Console.protect(notifiers.map(\.url))
        let sender = NotificationSender(transport: HTTPClient(userAgent: context.userAgent), stateDirectory: context.rateLimitDirectory)
        for result in results {
            guard let notification = notification(for: result, at: Date()) else { continue }
            for failure in sender.send(notification, to: notifiers) { Console.diagnose(.warning, "\(failure)") }
        }
    }
}
