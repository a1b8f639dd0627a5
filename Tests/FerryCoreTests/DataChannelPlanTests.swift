import Testing
@testable import FerryCore

@Suite struct DataChannelPlanTests {
    func reply(_ code: Int, _ text: String = "text") -> Reply { Reply(code: ReplyCode(code), lines: ["\(code) \(text)"]) }

    @Test func passiveTriesEpsvFirstAndDialsTheControlPeer() {
        var plan = DataChannelPlan(DataChannelPlan.Preferences())
        #expect(plan.start() == .request(.extendedPassive))
        #expect(plan.receive(reply(229, "Entering Extended Passive Mode (|||6446|)")) ==
                .connect(.controlPeer(port: 6446, offered: nil)))
    }

    @Test func refusedEpsvFallsBackToPasvWithoutTrustingItsAddress() {
        var plan = DataChannelPlan(DataChannelPlan.Preferences())
        _ = plan.start()
        #expect(plan.receive(reply(502)) == .request(.passive))
        let offered = IPv4Endpoint(octets: [10, 0, 0, 5], port: 3441)
        #expect(plan.receive(reply(227, "Entering Passive Mode (10,0,0,5,13,113)")) ==
                .connect(.controlPeer(port: 3441, offered: offered)))
        #expect(plan.refused == [.extendedPassive])
    }

    @Test func trustedPasvAddressIsDialledAsOffered() {
        var preferences = DataChannelPlan.Preferences()
        preferences.extended = false
        preferences.trustPassiveAddress = true
        var plan = DataChannelPlan(preferences)
        #expect(plan.start() == .request(.passive))
        #expect(plan.receive(reply(227, "(10,0,0,5,13,113)")) ==
                .connect(.address(IPv4Endpoint(octets: [10, 0, 0, 5], port: 3441))))
    }

    @Test func failedPassiveConnectionsFallBackToActive() {
        var plan = DataChannelPlan(DataChannelPlan.Preferences())
        _ = plan.start()
        _ = plan.receive(reply(229, "(|||6446|)"))
        #expect(plan.connectFailed("refused") == .request(.passive))
        _ = plan.receive(reply(227, "(127,0,0,1,13,113)"))
        #expect(plan.connectFailed("refused") == .request(.extendedActive))
        #expect(plan.receive(reply(200)) == .acceptAfterTransferCommand)
    }

    @Test func activeWithoutFallbackUsesPassiveWhenBothActiveCommandsAreRefused() {
        var preferences = DataChannelPlan.Preferences()
        preferences.mode = .active
        preferences.fallback = false
        var plan = DataChannelPlan(preferences)
        #expect(plan.start() == .request(.extendedActive))
        #expect(plan.receive(reply(502)) == .request(.active))
        #expect(plan.receive(reply(500, "PORT not allowed")) == .request(.extendedPassive))
        #expect(plan.switchedMode == .passive)
        // The next negotiation in the session goes straight to passive.
        preferences.refused = plan.refused
        var next = DataChannelPlan(preferences)
        #expect(next.start() == .request(.extendedPassive))
        #expect(next.switchedMode == .passive)
    }

    @Test func passiveWithoutFallbackDoesNotSwitchOnAFailedConnection() {
        var preferences = DataChannelPlan.Preferences()
        preferences.fallback = false
        var plan = DataChannelPlan(preferences)
        _ = plan.start()
        _ = plan.receive(reply(229, "(|||6446|)"))
        #expect(plan.connectFailed("timed out") == .request(.passive))
        _ = plan.receive(reply(227, "(127,0,0,1,13,113)"))
        guard case .fail = plan.connectFailed("timed out") else { Issue.record("a connection failure is not a refusal"); return }
        #expect(plan.switchedMode == nil)
    }

    @Test func activeWithoutAnyFallbackFailsWhenPortIsRefused() {
        var preferences = DataChannelPlan.Preferences()
        preferences.mode = .active
        preferences.fallback = false
        preferences.fallbackOnRefusal = false
        var plan = DataChannelPlan(preferences)
        #expect(plan.start() == .request(.extendedActive))
        #expect(plan.receive(reply(500)) == .request(.active))
        guard case .fail(let reason) = plan.receive(reply(500, "PORT not allowed")) else {
            Issue.record("expected failure")
            return
        }
        #expect(reason.contains("PORT"))
    }

    @Test func stepsRefusedBeforeAreSkipped() {
        var preferences = DataChannelPlan.Preferences()
        preferences.refused = [.extendedPassive]
        var plan = DataChannelPlan(preferences)
        #expect(plan.start() == .request(.passive))
    }

    @Test func a421EndsNegotiation() {
        var plan = DataChannelPlan(DataChannelPlan.Preferences())
        _ = plan.start()
        guard case .fail = plan.receive(reply(421, "Timeout")) else {
            Issue.record("expected failure")
            return
        }
    }

    @Test func unreadableEpsvReplyMovesOn() {
        var plan = DataChannelPlan(DataChannelPlan.Preferences())
        _ = plan.start()
        #expect(plan.receive(reply(229, "Entering Extended Passive Mode")) == .request(.passive))
    }
}
