import Foundation

/// The sample hooks `mkt init` copies into `.mkt/hooks/`. Like git's
/// templates, they are looked for in `MKT_TEMPLATE_DIR`, then beside the
/// installed binary (`<prefix>/share/mkt/hooks`), then in the source tree
/// this binary was built from (`hooks/`), which serves development builds.
enum HookSamples {
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> [(name: String, contents: Data)] {
        for directory in searchPath(environment: environment) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            let samples = names.filter { $0.hasSuffix(".sample") }.sorted().compactMap { name in
                FileManager.default.contents(atPath: "\(directory)/\(name)").map { (String(name.dropLast(".sample".count)), $0) }
            }
            if !samples.isEmpty { return samples }
        }
        return []
    }

    static func searchPath(environment: [String: String]) -> [String] {
        var directories: [String] = []
        if let explicit = environment["MKT_TEMPLATE_DIR"], !explicit.isEmpty { directories.append(explicit) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        directories.append(executable.deletingLastPathComponent().appendingPathComponent("../share/mkt/hooks").standardizedFileURL.path)
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        directories.append(sourceRoot.appendingPathComponent("hooks").path)
        return directories
    }
}
