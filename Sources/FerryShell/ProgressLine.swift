import FerryClient

/// A one-line progress display redrawn in place on a terminal: bytes, percent when the size is known, rate.
final class ProgressLine {
    private let console: Console
    private let name: String

    init(console: Console, name: String) {
        self.console = console
        self.name = Console.sanitize(name)
    }

    private var drawn = false

    func update(_ progress: TransferProgress) {
        drawn = true
        var text = "\r\(name.prefix(30))  \(ByteFormat.short(progress.bytes))"
        if let expected = progress.expected, expected > 0 {
            let percent = min(100, Int(progress.bytes * 100 / expected))
            text += " / \(ByteFormat.short(expected))  \(percent)%"
        }
        if progress.elapsed > 0 {
            text += "  \(ByteFormat.short(Int64(Double(progress.bytes) / progress.elapsed)))/s"
        }
        console.status(text + "\u{1B}[K")
    }

    /// Erases the line so other output starts at the left margin; the next update redraws it.
    func clear() {
        if drawn { console.status("\r\u{1B}[K") }
        drawn = false
    }

    func finish() { clear() }
}

enum ByteFormat {
    /// 1536 → "1.5 KiB".
    static func short(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = (value * 10).rounded() / 10
        return "\(tenths) \(units[unit])"
    }
}

/// Classic `hash`: a `#` for every `step` bytes, on standard output.
final class HashMarks {
    private let console: Console
    private let step: Int64
    private var printed: Int64 = 0

    init(console: Console, step: Int) {
        self.console = console
        self.step = Int64(max(1, step))
    }

    func update(_ bytes: Int64) {
        let due = bytes / step
        if due > printed {
            console.raw(String(repeating: "#", count: Int(due - printed)))
            printed = due
        }
    }

    func finish() {
        if printed > 0 { console.raw("\n") }
    }
}
