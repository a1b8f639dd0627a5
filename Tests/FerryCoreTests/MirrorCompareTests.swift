import FerryCore
import Testing

/// The pure part of mirror: two stamps at their precisions, and the server's clock from one file.
@Suite struct MirrorCompareTests {
    let rules = MirrorCompare.Rules()

    @Test func aMissingTargetOrAnotherSizeIsCopied() {
        let source = FileStamp(size: 10, modified: 1_700_000_000)
        #expect(MirrorCompare.decide(source: source, target: nil, rules: rules) == .transfer(.missing))
        #expect(MirrorCompare.decide(source: source, target: FileStamp(size: 11, modified: 1_700_000_000), rules: rules) == .transfer(.sizeDiffers))
        #expect(MirrorCompare.decide(source: source, target: FileStamp(size: 10, modified: 1_700_000_001), rules: rules) == .skip(.same))
        #expect(MirrorCompare.decide(source: source, target: FileStamp(size: 10, modified: 1_700_000_002), rules: rules) == .transfer(.timeDiffers))
    }

    @Test func listTimesAreComparedToTheMinuteOrTheDay() {
        // 12:34:56 locally; the LIST says 12:34.
        let local = FileStamp(size: 5, modified: 1_700_000_096)
        let minute = FileStamp(size: 5, modified: 1_700_000_096 - 1_700_000_096 % 60, precision: .minute)
        #expect(MirrorCompare.compareTimes(local, minute) == .same)
        #expect(MirrorCompare.compareTimes(FileStamp(size: 5, modified: 1_700_000_096 + 60), minute) == .newer)
        let day = FileStamp(size: 5, modified: 1_700_000_096 - 1_700_000_096 % 86400, precision: .day)
        #expect(MirrorCompare.compareTimes(local, day) == .same)
        #expect(MirrorCompare.compareTimes(FileStamp(size: 5, modified: 1_700_000_096 - 86400), day) == .older)
    }

    @Test func aDateIsADateOnTheServersClock() {
        // 23:30 UTC on a day is already the next day at UTC+3: the LIST date (server's clock) is that next day.
        let utcLate: Int64 = 1_700_000_000 - 1_700_000_000 % 86400 + 23 * 3600 + 1800
        let offset: Int64 = 3 * 3600
        let serverDay = (utcLate + offset) - (utcLate + offset) % 86400 - offset   // as a parsed and shifted LIST date
        let listed = FileStamp(size: 1, modified: serverDay, precision: .day)
        #expect(MirrorCompare.compareTimes(FileStamp(size: 1, modified: utcLate), listed, offset: offset) == .same)
        // Read as UTC (the offset unknown), the same LIST date is a day later.
        let unshifted = FileStamp(size: 1, modified: serverDay + offset, precision: .day)
        #expect(MirrorCompare.compareTimes(FileStamp(size: 1, modified: utcLate), unshifted, offset: 0) == .older)
    }

    @Test func onlyNewerLooksAtTimesAlone() {
        var newer = rules
        newer.onlyNewer = true
        let target = FileStamp(size: 10, modified: 1_700_000_000)
        #expect(MirrorCompare.decide(source: FileStamp(size: 99, modified: 1_600_000_000), target: target, rules: newer) == .skip(.notNewer))
        #expect(MirrorCompare.decide(source: FileStamp(size: 10, modified: 1_800_000_000), target: target, rules: newer) == .transfer(.newer))
        // Unknown times: the size decides.
        #expect(MirrorCompare.decide(source: FileStamp(size: 11, modified: nil), target: target, rules: newer) == .transfer(.sizeDiffers))
    }

    @Test func anUploadWhoseTimeCouldNotBeSetIsTheSameWhenNotOlder() {
        var rules = self.rules
        rules.targetKeepsTransferTime = true
        let local = FileStamp(size: 10, modified: 1_700_000_000)
        #expect(MirrorCompare.decide(source: local, target: FileStamp(size: 10, modified: 1_700_000_600, precision: .minute), rules: rules) == .skip(.same))
        #expect(MirrorCompare.decide(source: local, target: FileStamp(size: 10, modified: 1_699_000_000, precision: .minute), rules: rules) == .transfer(.timeDiffers))
    }

    @Test(arguments: [0, 3 * 3600, -5 * 3600, 5 * 3600 + 1800, 14 * 3600, -12 * 3600 - 2700])
    func theServersOffsetComesFromOneListTimeAndItsMDTM(offset: Int) {
        for exact: Int64 in [1_700_000_000, 1_700_000_059, 1_700_000_030] {
            let wall = exact + Int64(offset)
            let listed = wall - (wall % 60 + 60) % 60
            #expect(MirrorCompare.timeZoneOffset(listed: listed, exact: exact) == Int64(offset))
        }
    }

    @Test func timesThatCannotBeOneMomentGiveNoOffset() {
        #expect(MirrorCompare.timeZoneOffset(listed: 1_700_000_000 + 20 * 3600, exact: 1_700_000_000) == nil)
        #expect(MirrorCompare.timeZoneOffset(listed: 1_700_000_000 + 450, exact: 1_700_000_000) == nil)
    }
}
