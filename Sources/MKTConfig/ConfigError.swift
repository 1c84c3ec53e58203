/// One thing wrong with a config: where (the file and line, or nowhere for a
/// value given on the command line) and what, on one line.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let origin: Config.Origin?
    public let reason: String

    public init(_ origin: Config.Origin?, _ reason: String) {
        self.origin = origin
        self.reason = reason
    }

    public var description: String {
        origin.map { "\($0): \(reason)" } ?? reason
    }
}
