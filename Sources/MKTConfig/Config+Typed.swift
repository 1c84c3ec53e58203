/// The registry applied to a config: checking every entry when a file is
/// loaded, and typed values for the code that reads them.
extension Config {
    /// Which file a config came from: the store's may set `core`, the global one may not.
    public enum Scope: Sendable {
        case store, global
    }

    /// Checks every section header and entry against the registry: an unknown
    /// section or key, or a value that does not fit its key's type, is an
    /// error naming the file, the line and the key.
    public func validate(_ scope: Scope) throws(ConfigError) {
        for header in headers {
            let name = Self.displayName(header.section, header.subsection, nil)
            try ConfigRegistry.checkSection(header.section, subsection: header.subsection, name: name, at: header.origin)
            if scope == .global, ConfigRegistry.section(header.section)?.storeOnly == true {
                throw ConfigError(header.origin, "\(name): only a store's own config may set [\(header.section)]")
            }
        }
        for entry in entries {
            _ = try Self.parsed(entry)
        }
    }

    /// A section, subsection and key as one name, control characters escaped
    /// (and an empty subsection shown as `""`).
    public static func displayName(_ section: String, _ subsection: String?, _ key: String?) -> String {
        [section, subsection.map { $0.isEmpty ? "\"\"" : $0 }, key].compactMap { $0 }.map(ConfigType.printable).joined(separator: ".")
    }

    /// An entry's registered key and typed value.
    static func parsed(_ entry: Entry) throws(ConfigError) -> (key: ConfigKey, value: ConfigValue) {
        let name = displayName(entry.section, entry.subsection, entry.key)
        let key = try ConfigRegistry.lookUp(section: entry.section, subsection: entry.subsection, key: entry.key, name: name, at: entry.origin)
        do {
            return (key, try key.type.parse(entry.value))
        } catch {
            throw ConfigError(entry.origin, "\(name): \(error.reason)")
        }
    }

    /// The typed value of a registered key: the last one set, else the
    /// registry's default, else nil.
    func typed(_ section: String, _ key: String, subsection: String?) throws(ConfigError) -> ConfigValue? {
        guard let registered = ConfigRegistry.key(section, key) else {
            preconditionFailure("\(section).\(key) is not in ConfigRegistry.keys")
        }
        if let entry = entries(section, key, subsection: subsection).last { return try Self.parsed(entry).value }
        guard let text = registered.defaultValue else { return nil }
        do {
            return try registered.type.parse(text)
        } catch {
            preconditionFailure("the default of \(registered.displayName): \(error.reason)")
        }
    }

    /// A key the registry gives a default: its value is never missing.
    private func defaulted(_ section: String, _ key: String, subsection: String?) throws(ConfigError) -> ConfigValue {
        guard let value = try typed(section, key, subsection: subsection) else {
            preconditionFailure("\(section).\(key) has no default in ConfigRegistry.keys")
        }
        return value
    }

    /// A `bool` key with a default.
    public func bool(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> Bool {
        guard case .bool(let flag) = try defaulted(section, key, subsection: subsection) else { preconditionFailure("\(section).\(key) is not a bool") }
        return flag
    }

    /// An `integer` key with a default.
    public func integer(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> Int {
        guard case .integer(let number) = try defaulted(section, key, subsection: subsection) else { preconditionFailure("\(section).\(key) is not an integer") }
        return number
    }

    /// A `seconds` key with a default.
    public func seconds(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> Double {
        guard case .seconds(let seconds) = try defaulted(section, key, subsection: subsection) else { preconditionFailure("\(section).\(key) is not in seconds") }
        return seconds
    }

    /// A text key (`string`, `choice`, `url`, `announceURL`): the value, or
    /// the default; nil when unset and without default.
    public func string(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> String? {
        switch try typed(section, key, subsection: subsection) {
        case .string(let text)?: return text
        case nil: return nil
        default: preconditionFailure("\(section).\(key) is not text")
        }
    }

    /// A `rateLimit` key, nil when unset.
    public func rateLimit(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> RateLimitSetting? {
        switch try typed(section, key, subsection: subsection) {
        case .rateLimit(let limit)?: return limit
        case nil: return nil
        default: preconditionFailure("\(section).\(key) is not a rate limit")
        }
    }

    /// A `words` key: the words chosen, or the default's; nil when unset and without default.
    public func words(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> [String]? {
        switch try typed(section, key, subsection: subsection) {
        case .words(let words)?: return words
        case nil: return nil
        default: preconditionFailure("\(section).\(key) is not a list of words")
        }
    }

    /// Every value of a repeatable text key, in the order written.
    public func strings(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> [String] {
        var values: [String] = []
        for entry in entries(section, key, subsection: subsection) {
            guard case .string(let text) = try Self.parsed(entry).value else { preconditionFailure("\(section).\(key) is not text") }
            values.append(text)
        }
        return values
    }

    /// Every value of a repeatable `pathMap` key, in the order written.
    public func pathMaps(_ section: String, _ key: String, subsection: String? = nil) throws(ConfigError) -> [PathMap] {
        var maps: [PathMap] = []
        for entry in entries(section, key, subsection: subsection) {
            guard case .pathMap(let map) = try Self.parsed(entry).value else { preconditionFailure("\(section).\(key) is not a path map") }
            maps.append(map)
        }
        return maps
    }
}
