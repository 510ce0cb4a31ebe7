import Foundation

/// Replays saved inputs (a corpus folder, a crash file libFuzzer saved) through the parser
/// invariants, without libFuzzer: the program of a plain build.
#if !FUZZING
    @main
#endif
enum Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard !arguments.isEmpty else {
            print("usage: FuzzHTTP FILE_OR_FOLDER...   (replays inputs; scripts/fuzz http runs the fuzzer)")
            exit(2)
        }
        var count = 0
        for path in arguments {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("FuzzHTTP: cannot read \(file)")
                    exit(1)
                }
                let events = ParserInvariants.check([UInt8](data))
                let summary = events.map { event -> String in
                    switch event {
                    case .head(let head): "head(\(head.method) \(head.target))"
                    case .body(let bytes): "body(\(bytes.count))"
                    case .end: "end"
                    case .error(let error): "error(\(error))"
                    }
                }
                print("\(file): \(summary.joined(separator: " "))")
                count += 1
            }
        }
        print("FuzzHTTP: \(count) inputs replayed, every invariant held")
    }

    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            print("FuzzHTTP: no such file or folder: \(path)")
            exit(1)
        }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }
}
