/// Durations as the messages show them.
public enum Seconds {
    /// "3", "2.5": whole seconds without a fraction, else tenths (cut, not rounded up).
    public static func text(_ seconds: Double) -> String {
        if seconds == seconds.rounded() { return String(Int(seconds)) }
        return String(Double(Int(seconds * 10)) / 10)
    }

    /// "0.003", "12.040": milliseconds always shown (times in a diagnosis and its trace).
    public static func milliseconds(_ seconds: Double) -> String {
        let millis = Int((max(0, seconds) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
