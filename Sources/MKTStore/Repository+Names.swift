extension Repository {
    /// Where a short ref name is looked for, in order (as git's `refs/heads/%s`).
    public static let refSearchPrefixes = ["", "refs/", "refs/releases/", "refs/trackers/"]
    /// The shortest hex prefix accepted as an object name.
    public static let minimumPrefixLength = 4

    /// Turns a name into an object id, as `rev-parse` does:
    /// 1. 64 hex digits: that id, whether or not the object exists;
    /// 2. a ref, tried as `NAME`, `refs/NAME`, `refs/releases/NAME`, `refs/trackers/NAME`;
    /// 3. 4 to 63 hex digits: the one stored object whose id starts with them.
    public func resolve(_ name: String) throws(StoreError) -> ObjectID {
        if let id = ObjectID(hex: name) { return id }
        if let (_, id) = try resolveRef(name) { return id }
        let lower = name.lowercased()
        if lower.utf8.count >= Self.minimumPrefixLength, lower.utf8.count < ObjectID.hexLength, ObjectID.isLowerHex(lower) {
            let matches = try objects.ids(withPrefix: lower)
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 { throw .ambiguousName(name, candidates: matches) }
        }
        throw .unknownName(name)
    }

    /// The full name and value of the ref a short name means, if any.
    public func resolveRef(_ name: String) throws(StoreError) -> (name: String, id: ObjectID)? {
        for prefix in Self.refSearchPrefixes {
            let full = prefix + name
            guard RefName.isValid(full) else { continue }
            if let id = try refs.read(full) { return (full, id) }
        }
        return nil
    }

    /// Commits ref updates after checking that every new value is a stored object.
    public func update(_ updates: [RefUpdate], message: String) throws(StoreError) {
        for update in updates {
            if case .set(let id) = update.action, !objects.contains(id) {
                throw .refTargetMissing(update.name, id)
            }
        }
        try refs.commit(updates, message: message)
    }
}
