// libFuzzer driver for MKTFuzzTargets. contrib/fuzz/run.sh builds it with
// -sanitize=fuzzer and -DFUZZING; a normal build makes a replayer instead:
//   mkt-fuzz TARGET FILE...   runs each file through TARGET.
import Foundation
import MKTFuzzTargets

#if FUZZING
// libFuzzer owns main; the target is chosen by environment variable.
private let target: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["MKT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        fatalError("set MKT_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
    }
    return target
}()

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable with `main` aliased to `<target>_main`; here
/// that entry hands over to libFuzzer's own driver.
@_cdecl("mkt_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            print("usage: mkt-fuzz (\(FuzzTargets.all.keys.sorted().joined(separator: " | "))) FILE...")
            exit(64)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                exit(1)
            }
            target(Array(data))
        }
    }
}
#endif
