import MKTCrypto

/// The SHA-256 of an object's stored bytes (`"<type> <size>\0<body>"`), as 64 lower-case hex digits.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let hexLength = 64
    /// The all-zero id: "no object", as in git's ref-update protocol.
    public static let zero = ObjectID(validatedHex: String(repeating: "0", count: hexLength))

    public let hex: String

    /// Parses a full id; upper-case hex is accepted and normalised.
    public init?(hex text: some StringProtocol) {
        guard text.utf8.count == Self.hexLength, Hex.decode(text) != nil else { return nil }
        hex = text.lowercased()
    }

    init(digest: [UInt8]) {
        hex = Hex.encode(digest)
    }

    private init(validatedHex: String) {
        hex = validatedHex
    }

    /// True for a non-empty run of 0-9 and a-f: the only spelling the store writes.
    public static func isLowerHex(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    public var isZero: Bool { self == .zero }
    public var description: String { hex }
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

    /// `objects/ab/cdef…`: the first byte names the fan-out directory.
    var fanOut: (directory: String, file: String) {
        (String(hex.prefix(2)), String(hex.dropFirst(2)))
    }
}
