/// Environment variables that carry secrets, or say where to find them. They
/// are removed from the environment of every process mkt starts (hooks,
/// password commands, BitTorrent clients).
public enum SecretEnvironment {
    public static let names: Set<String> = [
        "MKT_PASSWORD", "MKT_PASSWORD_FILE", "MKT_PASSWORD_COMMAND",
        "MKT_NEW_PASSWORD", "MKT_NEW_PASSWORD_FILE", "MKT_NEW_PASSWORD_COMMAND",
        "MKT_PASSKEY",
    ]

    public static func scrubbed(_ environment: [String: String]) -> [String: String] {
        environment.filter { !names.contains($0.key) }
    }
}
