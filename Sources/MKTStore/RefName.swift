/// Ref names follow git's check-ref-format rules, so every valid name is a
/// safe relative path under the store and can never escape it.
public enum RefName {
    /// Checks a full ref name (`refs/...`).
    public static func validate(_ name: String) throws(StoreError) {
        if let reason = problem(with: name) { throw .invalidRefName(name, reason: reason) }
    }

    public static func isValid(_ name: String) -> Bool { problem(with: name) == nil }

    static func problem(with name: String) -> String? {
        guard name.hasPrefix("refs/") else { return "ref names start with 'refs/'" }
        if name.hasSuffix("/") { return "ends with '/'" }
        if name.contains("@{") { return "contains '@{'" }
        if name.contains("..") { return "contains '..'" }
        if name.utf8.count > 1024 { return "longer than 1024 bytes" }
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f { return "contains a control character" }
            if " ~^:?*[\\".unicodeScalars.contains(scalar) { return "contains '\(scalar)'" }
        }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { return "contains an empty component ('//')" }
            if component.hasPrefix(".") { return "a component starts with '.'" }
            if component.hasPrefix("-") { return "a component starts with '-'" }
            if component.hasSuffix(".lock") { return "a component ends with '.lock'" }
            if component.hasSuffix(".") { return "a component ends with '.'" }
        }
        return nil
    }
}
