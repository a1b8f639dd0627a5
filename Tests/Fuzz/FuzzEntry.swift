// libFuzzer entry for FerryCore's parsers, built by scripts/fuzz.sh (not a SwiftPM target) together with
// Tests/FerryCoreTests/FuzzTargets.swift, which FuzzCrashReplayTests also runs.

@_cdecl("LLVMFuzzerTestOneInput")
public func ferryFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTargets.exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
