import Foundation
import MKTFuzzTargets
import Testing

/// Replays the committed fuzz corpus (seeds plus every input libFuzzer found
/// new coverage with) through the fuzz targets: a trap or a broken invariant
/// fails the run. contrib/fuzz/run.sh grows the corpus.
struct FuzzCorpusTests {
    @Test(arguments: FuzzTargets.all.keys.sorted())
    func corpusReplaysCleanly(target: String) throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus/\(target)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.count >= 2, "the \(target) corpus is missing")
        let run = try #require(FuzzTargets.all[target])
        for file in files {
            run(Array(try Data(contentsOf: directory.appendingPathComponent(file))))
        }
    }
}
