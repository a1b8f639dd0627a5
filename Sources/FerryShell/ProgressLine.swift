import FerryClient

/// tnftp's progress line, redrawn in place on a terminal (standard error):
/// `name  45% |*******          |  1.3 MiB  976.5 KiB/s  00:03 ETA` — sized to the terminal's width as it is now
/// (a resize takes effect at the next redraw), the rate taken over the last five seconds, "stalled" when nothing
/// arrived for three. DataPump reports at most ten times a second, and once a second while it waits.
final class ProgressLine {
    private let console: Console
    private let name: String
    private var samples: [(time: Double, bytes: Int64)] = []
    private var lastChange: (time: Double, bytes: Int64) = (0, -1)
    private var drawn = false

    init(console: Console, name: String) {
        self.console = console
        self.name = Console.sanitize(name)
    }

    func update(_ progress: TransferProgress) {
        drawn = true
        console.status("\r" + render(progress, width: Console.terminalWidth()) + "\u{1B}[K")
    }

    func render(_ progress: TransferProgress, width: Int) -> String {
        let now = progress.elapsed
        if progress.bytes != lastChange.bytes { lastChange = (now, progress.bytes) }
        samples.append((now, progress.bytes))
        while samples.count > 2, now - samples[1].time >= 5 { samples.removeFirst() }
        let first = samples[0]
        // The first half second says little (socket buffers fill at once): no rate, no ETA yet.
        let rate = now < 0.5 ? 0 : now - first.time >= 0.5 ? Double(progress.bytes - first.bytes) / (now - first.time)
            : Double(progress.bytes) / now
        let stalled = now - lastChange.time >= 3
        // A resumed file shows where it stands as a whole (reget): bytes and total from the file's start.
        let whole = progress.resumedFrom + progress.bytes
        var right = "  " + ProgressLine.padded(ByteFormat.short(whole), 10)
            + "  " + ProgressLine.padded(rate > 0 ? "\(ByteFormat.short(Int64(rate)))/s" : "", 12)
        var percentText = ""
        var fraction: Double?
        if let remaining = progress.expected, remaining + progress.resumedFrom > 0 {
            let expected = remaining
            let done = min(1, Double(whole) / Double(remaining + progress.resumedFrom))
            fraction = done
            percentText = String(repeating: " ", count: 3 - min(3, String(Int(done * 100)).count)) + "\(Int(done * 100))%"
            if stalled {
                right += "  stalled"
            } else if progress.bytes >= expected {
                right += "  \(ProgressLine.clock(now))    "
            } else if rate > 0 {
                right += "  \(ProgressLine.clock(Double(expected - progress.bytes) / rate)) ETA"
            } else {
                right += "  --:-- ETA"
            }
        } else if stalled {
            right += "  stalled"
        }
        // Keep the line a column short of the width: a full last column wraps on some terminals; never longer.
        // Widths are terminal columns (a CJK character takes two).
        let room = max(1, width - 1)
        let shownName = ProgressLine.prefix(name, columns: max(8, min(30, room / 4)))
        let fixed = ProgressLine.columns(shownName) + 2 + percentText.count + right.count
        var bar = ""
        if let fraction, room - fixed - 3 >= 10 {
            let cells = room - fixed - 3
            let filled = Int(Double(cells) * fraction)
            bar = " |" + String(repeating: "*", count: filled) + String(repeating: " ", count: cells - filled) + "|"
        }
        return ProgressLine.prefix(shownName + "  " + percentText + bar + right, columns: room)
    }

    /// Terminal columns of one character: 2 for East Asian wide ones and most emoji, 0 for combining marks.
    static func columns(of scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: return 0
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD: return 2
        default: return 1
        }
    }

    static func columns(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + columns(of: $1) } }

    /// The longest start of `text` that fits in `columns` terminal columns.
    static func prefix(_ text: String, columns limit: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let width = character.unicodeScalars.reduce(0) { $0 + columns(of: $1) }
            if used + width > limit { break }
            used += width
            result.append(character)
        }
        return result
    }

    /// `text` right-aligned in `width` columns, so the bar keeps its length while the numbers change.
    static func padded(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Seconds as mm:ss, or h:mm:ss from an hour on.
    static func clock(_ seconds: Double) -> String {
        let total = Int(min(seconds, 359_999).rounded())
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return total >= 3600 ? "\(total / 3600):\(two(total / 60 % 60)):\(two(total % 60))" : "\(two(total / 60)):\(two(total % 60))"
    }

    /// tnftp's summary: `3000000 bytes received in 00:03 (976.23 KiB/s)`.
    static func summary(bytes: Int64, seconds: Double, received: Bool) -> String {
        let rate = seconds > 0 ? Double(bytes) / seconds : 0
        return "\(bytes) bytes \(received ? "received" : "sent") in \(clock(seconds)) (\(ByteFormat.precise(rate))/s)"
    }

    /// Erases the line so other output starts at the left margin; the next update redraws it.
    func clear() {
        if drawn { console.status("\r\u{1B}[K") }
        drawn = false
    }

    func finish() { clear() }
}

enum ByteFormat {
    /// 8000000 → "7.63 MiB", with two decimals (tnftp's summary).
    static func precise(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = value
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }

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

    /// Ends the line of marks before other output (a reply), once.
    func endLine() {
        guard printed > 0, !ended else { return }
        console.raw("\n")
        ended = true
    }

    func finish() { endLine() }

    private var ended = false
}
