/// Runs a typed-throwing body over an array's bytes (Array.withUnsafeBytes only rethrows untyped).
func withBytes(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(FTPError) -> Void) throws(FTPError) {
    let result: Result<Void, FTPError> = bytes.withUnsafeBytes { raw in
        do throws(FTPError) {
            try body(raw)
            return .success(())
        } catch {
            return .failure(error)
        }
    }
    try result.get()
}
