import Testing
@testable import FerryCore

@Suite struct SegmentPlanTests {
    @Test func rangesTileTheFileExactly() {
        for (size, count) in [(Int64(0), 4), (1, 4), (3, 8), (7_340_033, 4), (7_340_033, 8), (10, 1)] {
            let plan = SegmentPlan(size: size, count: count)
            #expect(plan.segments.count == Int(min(Int64(count), size)), "\(size)/\(count)")
            var next: Int64 = 0
            for segment in plan.segments {
                #expect(segment.start == next && segment.end > segment.start)
                next = segment.end
            }
            #expect(next == size)
            #expect(plan.isFinished == (size == 0))
        }
    }

    @Test func aFinishedRangeTakesHalfOfTheLargestRemainingOne() {
        var plan = SegmentPlan(size: 8 << 20, count: 2)
        plan.advance(0, by: 4 << 20)
        plan.advance(1, by: 1 << 20)
        #expect(plan.segments[0].isFinished)
        let new = plan.splitLargest()
        #expect(new == 2)
        #expect(plan.segments[1].end == (4 << 20) + (1 << 20) + (3 << 20) / 2)
        #expect(plan.segments[2].start == plan.segments[1].end && plan.segments[2].end == 8 << 20)
        #expect(SegmentPlan(size: plan.size, segments: plan.segments) != nil, "still tiles the file")
    }

    @Test func smallRemaindersAreNotSplit() {
        var plan = SegmentPlan(size: 300_000, count: 1)
        #expect(plan.splitLargest() == nil)
    }

    @Test func theStateTextRoundTripsAndHostileStatesAreRefused() {
        var plan = SegmentPlan(size: 1_000_003, count: 3)
        plan.advance(1, by: 12345)
        #expect(SegmentPlan.parse(state: plan.stateText, size: 1_000_003) == plan)
        #expect(SegmentPlan.parse(state: plan.stateText, size: 1_000_004) == nil, "another size")
        for text in ["", "ferry-pget 1\nsize 10\nrange 0 5 0\n", "ferry-pget 1\nsize 10\nrange 0 5 0\nrange 4 10 0\n",
                     "ferry-pget 1\nsize 10\nrange 0 10 11\n", "ferry-pget 1\nsize 10\nrange 0 10 -1\n",
                     "ferry-pget 2\nsize 10\nrange 0 10 0\n", "ferry-pget 1\nsize 10\nrange 0 99999999999999999999 0\n"] {
            #expect(SegmentPlan.parse(state: text, size: 10) == nil, "\(text)")
        }
    }
}
