/// The version of FerryClient and of the `ferry` command built with it.
///
/// Semantic versioning: until 1.0 a minor version may change the public API (and the CHANGELOG says how); a patch
/// version never does.
public enum FerryVersion {
    /// "MAJOR.MINOR.PATCH".
    public static let string = "0.3.0"
}
