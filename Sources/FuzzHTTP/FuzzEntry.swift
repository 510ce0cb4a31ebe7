// The HTTP parser's fuzz target (scripts/fuzz http).
//
// Built with `-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING`, the program is libFuzzer's driver
// calling `LLVMFuzzerTestOneInput` for each input; `Replay`'s `@main` is compiled out. In a plain
// `swift build` the program is `Replay`, which runs saved inputs through the same invariants.
//
// Why not main.swift and libFuzzer's own `main`: SwiftPM renames an executable's entry point to
// `FuzzHTTP_main` and links with `--defsym main=FuzzHTTP_main`, so the module must define that
// symbol; here it hands control to libFuzzer through `LLVMFuzzerRunDriver` (libFuzzer's API for
// programs that keep their own `main`). And `-parse-as-library` rejects top-level code even in
// an inactive `#if`, so a main.swift cannot serve both builds.
#if FUZZING
    /// libFuzzer's entry point: one input, checked under several splits and limits.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        guard let data, size > 0 else { return 0 }
        ParserInvariants.check(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    /// `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`
    /// from libclang_rt.fuzzer, which `-sanitize=fuzzer` links in.
    @_silgen_name("LLVMFuzzerRunDriver")
    func llvmFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// The program's entry point under SwiftPM's name for it: runs libFuzzer with our arguments.
    @_cdecl("FuzzHTTP_main")
    public func fuzzMain(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> Int32 {
        var count = argc
        var arguments = argv
        return llvmFuzzerRunDriver(&count, &arguments) { data, size in fuzzHTTPParser(data, size) }
    }
#endif
