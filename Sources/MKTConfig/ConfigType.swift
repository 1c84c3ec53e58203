import Foundation

/// What a key's value must look like. `parse` turns the text into a
/// `ConfigValue` or says, in a phrase, why it cannot.
public enum ConfigType: Equatable, Sendable {
    /// true/false (also yes/no, on/off, 1/0).
    case bool
    case integer(ClosedRange<Int>)
    /// A duration: `120`, `120s`, `50ms`, `2m`, `1h`; in seconds.
    case seconds(ClosedRange<Double>)
    case string
    /// One of these words, exactly.
    case choice([String])
    /// An http:// or https:// address with a host.
    case url
    /// An announce URL: http, https or udp, `{passkey}` standing for the passkey.
    case announceURL
    /// `REQUESTS/SECONDS`, e.g. `10/10s`.
    case rateLimit
    /// `LOCAL:REMOTE`, both absolute paths.
    case pathMap
    /// A built-in site's name, or `NAME=ID, ...`.
    case releaseTypes
    /// Some of these words, separated by commas: `success, failure`.
    case words([String])

    /// The type in a few words, for help and the documentation.
    public var summary: String {
        switch self {
        case .bool: "boolean"
        case .integer(let range): "whole number (\(Self.describe(range)))"
        case .seconds(let range): "seconds (\(Self.describe(range)))"
        case .string: "text"
        case .choice(let words): "one of " + words.joined(separator: ", ")
        case .url: "http(s) URL"
        case .announceURL: "announce URL"
        case .rateLimit: "REQUESTS/SECONDS"
        case .pathMap: "LOCAL:REMOTE"
        case .releaseTypes: "site name, or NAME=ID, ..."
        case .words(let words): "some of " + words.joined(separator: ", ")
        }
    }

    /// The value `text` stands for, or why it stands for none.
    public func parse(_ text: String) throws(Refusal) -> ConfigValue {
        func refuse(_ what: String) -> Refusal { Refusal("'\(Self.printable(text))' \(what)") }
        switch self {
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: throw refuse("is not a boolean (true or false)")
            }
        case .integer(let range):
            guard let number = Int(text) else { throw refuse("is not a whole number (\(Self.describe(range)))") }
            guard range.contains(number) else { throw refuse("is out of range (\(Self.describe(range)))") }
            return .integer(number)
        case .seconds(let range):
            guard let seconds = Self.seconds(text) else { throw refuse("is not a duration in seconds (\(Self.describe(range))), e.g. 120s") }
            guard range.contains(seconds) else { throw refuse("is out of range (\(Self.describe(range)) seconds)") }
            return .seconds(seconds)
        case .string:
            return .string(text)
        case .choice(let words):
            guard words.contains(text) else {
                let suggestion = words.first { $0.lowercased() == text.lowercased() } ?? Suggestion.closest(to: text, among: words)
                throw refuse("is not one of \(words.joined(separator: ", "))\(suggestion.map { "; did you mean \($0)?" } ?? "")")
            }
            return .string(text)
        case .url:
            guard Self.isURL(text, schemes: ["http", "https"]) else { throw refuse("is not an http(s) URL") }
            return .string(text)
        case .announceURL:
            guard Self.isURL(text.replacingOccurrences(of: "{passkey}", with: "passkey"), schemes: ["http", "https", "udp"]) else {
                throw refuse("is not an announce URL (http, https or udp; {passkey} stands for the passkey)")
            }
            return .string(text)
        case .rateLimit:
            guard let limit = RateLimitSetting(parsing: text) else { throw refuse("is not a rate limit: write REQUESTS/SECONDS, e.g. 10/10s") }
            return .rateLimit(limit)
        case .pathMap:
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts.allSatisfy({ $0.hasPrefix("/") }) else { throw refuse("is not LOCAL:REMOTE, both absolute paths") }
            return .pathMap(PathMap(local: parts[0], remote: parts[1]))
        case .releaseTypes:
            guard let types = ReleaseTypes(parsing: text) else { throw refuse("is neither a site name nor NAME=ID, ... (e.g. Album=1, EP=5)") }
            return .releaseTypes(types)
        case .words(let words):
            let chosen = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !chosen.isEmpty else { throw refuse("names none of \(words.joined(separator: ", "))") }
            if let stranger = chosen.first(where: { !words.contains($0) }) {
                throw refuse("has '\(Self.printable(stranger))', which is not one of \(words.joined(separator: ", "))")
            }
            return .words(chosen)
        }
    }

    /// Why a value does not fit its type: a phrase that starts with the value.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// `120`, `120s`, `2.5s`, `50ms`, `2m`, `1h`, in seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { text.hasSuffix($0.suffix) }
        return decimal(unit.map { String(text.dropLast($0.suffix.count)) } ?? text).map { $0 * (unit?.seconds ?? 1) }
    }

    /// `12`, `2.5`: digits with at most one point between them; no signs,
    /// exponents, hex, nan or inf.
    static func decimal(_ text: String) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !text.isEmpty, text.count <= 15, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return Double(text)
    }

    /// A URL whose scheme is one of `schemes`, with a host that is a name, an
    /// IPv4 address or a bracketed IPv6 one, an optional port 1-65535, and
    /// nothing blank, unbalanced or badly percent-encoded.
    static func isURL(_ text: String, schemes: Set<String>) -> Bool {
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }),
            isPercentEncodedWell(text),
            let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), schemes.contains(scheme),
            let host = components.percentEncodedHost, !host.isEmpty,
            let decoded = host.removingPercentEncoding, !decoded.isEmpty
        else { return false }
        if let port = components.port, !(1...65535).contains(port) { return false }
        if decoded.hasPrefix("[") {
            let inner = decoded.dropFirst().dropLast()
            return decoded.hasSuffix("]") && inner.contains(":") && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return decoded.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }

    /// Every `%` starts a `%XX` escape.
    static func isPercentEncodedWell(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "%" {
            guard index + 2 < scalars.count, scalars[index + 1].properties.isASCIIHexDigit, scalars[index + 2].properties.isASCIIHexDigit else { return false }
        }
        return true
    }

    /// Control characters escaped, so that a message stays on one line.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f: out += "\\x" + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == .max ? "\(range.lowerBound) or more" : "\(range.lowerBound) to \(range.upperBound)"
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        "\(format(range.lowerBound)) to \(format(range.upperBound))"
    }

    /// `2`, `0.05`, `86400`: no trailing `.0`.
    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

/// A value of the type its key declares.
public enum ConfigValue: Equatable, Sendable {
    case bool(Bool)
    case integer(Int)
    case seconds(Double)
    case string(String)
    case rateLimit(RateLimitSetting)
    case pathMap(PathMap)
    case releaseTypes(ReleaseTypes)
    case words([String])
}

/// `REQUESTS/SECONDS`: at most `requests` in any `seconds`.
public struct RateLimitSetting: Equatable, Sendable {
    public let requests: Int
    public let seconds: Double

    /// `10/10s`, `5/10`, `30/60s`, `10/2.5s`: at least one request, in a window
    /// of a millisecond to a day, in seconds (`10/10m` is refused, not
    /// guessed at: minutes or milliseconds?).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let requests = Int(parts[0].trimmingCharacters(in: .whitespaces)), requests > 0 else { return nil }
        var window = parts[1].trimmingCharacters(in: .whitespaces)
        if window.hasSuffix("s") { window.removeLast() }
        guard let seconds = ConfigType.decimal(window), seconds >= 0.001, seconds <= 86_400 else { return nil }
        self.requests = requests
        self.seconds = seconds
    }
}

/// A client's `path-map`: what is `local` here is `remote` where the client runs.
public struct PathMap: Equatable, Sendable {
    public let local: String
    public let remote: String

    public init(local: String, remote: String) {
        self.local = local
        self.remote = remote
    }
}

/// `tracker.NAME.release-types`: a built-in site's table by its name, or the
/// site's own ids for mkt's release types (whose names the tracker catalog checks).
public enum ReleaseTypes: Equatable, Sendable {
    case site(String)
    case ids([Pair])

    public struct Pair: Equatable, Sendable {
        public let name: String
        public let id: Int

        public init(name: String, id: Int) {
            self.name = name
            self.id = id
        }
    }

    /// `red`, or `Album=1, EP=5, Live album=11`.
    init?(parsing text: String) {
        if Config.isName(Substring(text)) {
            self = .site(text)
            return
        }
        var pairs: [Pair] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let id = parts[1].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !id.isEmpty, id.allSatisfy(\.isASCIIDigit), let number = Int(id) else { return nil }
            pairs.append(Pair(name: name, id: number))
        }
        self = .ids(pairs)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
