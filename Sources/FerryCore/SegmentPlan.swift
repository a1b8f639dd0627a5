/// The byte ranges of a segmented download (pget): N ranges by REST on N connections into one file, a range that
/// finishes early taking half of the largest one still running, and a text form for the state file beside the
/// `.part`, so an interrupted pget continues where it stopped. Pure: no I/O, no clock.
public struct SegmentPlan: Sendable, Equatable {
    /// One range: bytes `start..<end` of the file, `done` of them written from `start` on.
    public struct Segment: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var done: Int64
        public init(start: Int64, end: Int64, done: Int64 = 0) {
            self.start = start
            self.end = end
            self.done = done
        }
        /// Where the next byte of this range goes.
        public var position: Int64 { start + done }
        public var remaining: Int64 { end - position }
        public var isFinished: Bool { position >= end }
    }

    public let size: Int64
    public private(set) var segments: [Segment]
    /// Which file this is (server, folder and name, modification time): a state file of another file, or of the same
    /// file before it changed, is not continued. One line; set by the caller.
    public var identity = ""

    /// Ranges smaller than this are not split further: a new connection costs more than it gains.
    public static let minimumSplit: Int64 = 256 * 1024

    /// `count` ranges of nearly equal size covering `0..<size` (fewer when the file is small; none for 0 bytes).
    public init(size: Int64, count: Int) {
        precondition(size >= 0 && count >= 1)
        self.size = size
        let parts = Int64(max(1, min(Int64(count), size)))
        var segments: [Segment] = []
        if size > 0 {
            let base = size / parts, extra = size % parts
            var start: Int64 = 0
            for index in 0..<parts {
                let length = base + (index < extra ? 1 : 0)
                segments.append(Segment(start: start, end: start + length))
                start += length
            }
        }
        self.segments = segments
    }

    public init?(size: Int64, segments: [Segment]) {
        // A state file is trusted only when its ranges tile the file exactly and each count fits its range.
        var next: Int64 = 0
        for segment in segments.sorted(by: { $0.start < $1.start }) {
            guard segment.start == next, segment.end > segment.start, segment.done >= 0,
                  segment.done <= segment.end - segment.start else { return nil }
            next = segment.end
        }
        guard size >= 0, next == size else { return nil }
        self.size = size
        self.segments = segments.sorted { $0.start < $1.start }
    }

    public var isFinished: Bool { segments.allSatisfy(\.isFinished) }
    public var bytesDone: Int64 { segments.reduce(0) { $0 + $1.done } }

    /// Records `count` more bytes written for segment `index`.
    public mutating func advance(_ index: Int, by count: Int64) {
        segments[index].done = min(segments[index].done + count, segments[index].end - segments[index].start)
    }

    /// Splits the unfinished range with the most bytes left (at least twice `minimumSplit`): its second half becomes
    /// a new range, appended (indices of the others do not move), whose index is returned. nil when nothing is
    /// worth splitting.
    public mutating func splitLargest() -> Int? {
        guard let index = segments.indices.filter({ !segments[$0].isFinished })
            .max(by: { segments[$0].remaining < segments[$1].remaining }) else { return nil }
        let segment = segments[index]
        guard segment.remaining >= 2 * SegmentPlan.minimumSplit else { return nil }
        let middle = segment.position + segment.remaining / 2
        segments[index].end = middle
        segments.append(Segment(start: middle, end: segment.end))
        return segments.count - 1
    }

    // MARK: state file

    /// `ferry-pget 1`, `size N`, `file IDENTITY`, then one `range START END DONE` line per range.
    public var stateText: String {
        var text = "ferry-pget 1\nsize \(size)\n\(SegmentPlan.identityLine(identity))\n"
        for segment in segments { text += "range \(segment.start) \(segment.end) \(segment.done)\n" }
        return text
    }

    /// `file IDENTITY`, with any line break in it made harmless.
    static func identityLine(_ identity: String) -> String {
        "file " + String(identity.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? "?" : Character($0) })
    }

    /// The plan a state file describes, or nil when it is not one of ours or does not fit `size`.
    public static func parse(state text: String, size: Int64, identity: String = "") -> SegmentPlan? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.first == "ferry-pget 1", lines.count >= 3, lines.count <= 10_003,
              lines[lines.startIndex + 1] == "size \(size)", lines[lines.startIndex + 2] == identityLine(identity) else { return nil }
        var segments: [Segment] = []
        for line in lines.dropFirst(3) {
            let words = line.split(separator: " ")
            guard words.count == 4, words[0] == "range", let start = Int64(words[1]), let end = Int64(words[2]),
                  let done = Int64(words[3]) else { return nil }
            segments.append(Segment(start: start, end: end, done: done))
        }
        var plan = SegmentPlan(size: size, segments: segments)
        plan?.identity = identity
        return plan
    }
}
