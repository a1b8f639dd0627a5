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

/// What the NAT and firewall lab showed: failed connections are not refusals, a routable 227 address is the last
/// resort for PASV, what worked goes first, and a probe tries one step alone.
@Suite struct DataChannelPlanLearningTests {
    func reply(_ code: Int, _ text: String = "text") -> Reply { Reply(code: ReplyCode(code), lines: ["\(code) \(text)"]) }
    let silent = DataChannelPlan.Failure.noAnswer(address: "203.0.113.2", port: 40000, seconds: 3)

    /// PASV alone, strict, with the server at 203.0.113.2, after the 227 reply `text`.
    func pasvAlone(replying text: String) -> DataChannelPlan {
        var preferences = DataChannelPlan.Preferences()
        preferences.extended = false
        preferences.fallback = false
        preferences.fallbackOnRefusal = false
        preferences.controlPeer = "203.0.113.2"
        var plan = DataChannelPlan(preferences)
        _ = plan.start()
        _ = plan.receive(reply(227, text))
        return plan
    }

    @Test func silentPassivePortsAreUnreachableNotRefusedAndNeverSwitchAStrictMode() {
        var preferences = DataChannelPlan.Preferences()
        preferences.fallback = false
        var plan = DataChannelPlan(preferences)
        _ = plan.start()
        _ = plan.receive(reply(229, "(|||40000|)"))
        #expect(plan.connectFailed(silent) == .request(.passive))
        _ = plan.receive(reply(227, "(203,0,113,2,156,64)"))
        guard case .fail(let reason) = plan.connectFailed(silent) else { Issue.record("nothing else to try"); return }
        #expect(reason.contains("a firewall drops the server's passive ports"), "\(reason)")
        #expect(plan.refused.isEmpty && plan.unreachable == [.extendedPassive, .passive])
        preferences.refused = plan.refused
        preferences.unreachable = plan.unreachable
        var next = DataChannelPlan(preferences)
        // Everything failed before: passive is tried again, never active.
        #expect(next.start() == .request(.extendedPassive))
        #expect(next.switchedMode == nil)
    }

    @Test func aRoutablePasvAddressIsDialledOnlyAfterTheServersOwnFails() {
        var preferences = DataChannelPlan.Preferences()
        preferences.extended = false
        preferences.controlPeer = "203.0.113.2"
        var plan = DataChannelPlan(preferences)
        _ = plan.start()
        let offered = IPv4Endpoint(octets: [203, 0, 113, 3], port: 40000)
        #expect(plan.receive(reply(227, "(203,0,113,3,156,64)")) == .connect(.controlPeer(port: 40000, offered: offered)))
        #expect(plan.connectFailed(silent) == .connect(.address(offered)))
        plan.connected()
        #expect(plan.working == DataChannelPlan.Working(step: .passive, viaOfferedAddress: true))
        // Next time PASV goes straight to the address it names.
        preferences.working = plan.working
        var next = DataChannelPlan(preferences)
        #expect(next.start() == .request(.passive))
        #expect(next.receive(reply(227, "(203,0,113,3,156,65)")) == .connect(.address(IPv4Endpoint(octets: [203, 0, 113, 3], port: 40001))))
    }

    @Test func aServerThatResetsAtItsOwnAddressDoesNotGetItsPasvAddressDialled() {
        var plan = pasvAlone(replying: "(198,51,100,77,9,221)")
        guard case .fail = plan.connectFailed(.connectionRefused(address: "203.0.113.2", port: 2525)) else {
            Issue.record("a reset is the server's choice, not a middlebox's: 198.51.100.77 must not be dialled")
            return
        }
    }

    @Test func aRefusedPortNamesNATOnlyWhenTheServerIsAPublicOne() {
        let refused = DataChannelPlan.Failure.refused(reply(500, "Illegal PORT command."))
        let public_ = DataChannelTrouble.explain(.init(step: .active, failure: refused, advertised: "10.1.0.2", server: "203.0.113.2"))
        #expect(public_.contains("you are behind NAT"))
        let local = DataChannelTrouble.explain(.init(step: .active, failure: refused, advertised: "127.0.0.1", server: "127.0.0.1"))
        #expect(!local.contains("NAT") && local.contains("it does not connect back to that address"), "\(local)")
        let absent = DataChannelTrouble.explain(.init(step: .extendedActive, failure: .refused(reply(502, "no")),
                                                      advertised: "10.1.0.2", server: "203.0.113.2"))
        #expect(absent == "the server does not offer EPRT (502 no); use passive mode", "\(absent)")
    }

    @Test(arguments: ["198,18,0,1", "192,0,0,9", "10,2,0,5", "192,168,1,9", "172,20,0,1", "127,0,0,1", "169,254,1,1", "100,64,0,1", "0,0,0,0", "224,0,0,1"])
    func aPrivateOrReservedPasvAddressIsNeverDialledUnasked(_ address: String) {
        var plan = pasvAlone(replying: "(\(address),156,64)")
        guard case .fail = plan.connectFailed(silent) else { Issue.record("\(address) must not be dialled"); return }
    }

    @Test func whatWorkedIsTriedFirstAndASilentActivePortForgetsIt() {
        var preferences = DataChannelPlan.Preferences()
        preferences.working = DataChannelPlan.Working(step: .extendedActive)
        preferences.unreachable = [.extendedPassive, .passive]
        var plan = DataChannelPlan(preferences)
        #expect(plan.start() == .request(.extendedActive))
        #expect(plan.receive(reply(200), advertising: "198.51.100.2") == .acceptAfterTransferCommand)
        plan.connectBackFailed(.noConnectBack(seconds: 3))
        #expect(plan.working == nil && plan.unreachable.contains(.extendedActive))
        #expect(DataChannelTrouble.summary(plan.attempts).contains("the server did not connect back within 3 s (EPRT)"))
    }

    @Test func aProbeTriesOneStepAloneWhateverTheSessionLearned() {
        var preferences = DataChannelPlan.Preferences()
        preferences.refused = [.active]
        preferences.unreachable = [.extendedPassive]
        preferences.working = DataChannelPlan.Working(step: .passive)
        preferences.only = .active
        preferences.controlPeer = "203.0.113.2"
        var plan = DataChannelPlan(preferences)
        #expect(plan.start() == .request(.active))
        guard case .fail = plan.receive(reply(500, "Illegal PORT command."), advertising: "10.1.0.2") else {
            Issue.record("a probe tries nothing else")
            return
        }
        #expect(plan.switchedMode == nil)
        #expect(DataChannelTrouble.explain(plan.attempts[0]).hasPrefix("the server refused PORT 10.1.0.2 (500 Illegal PORT command.): you are behind NAT"))
    }

    @Test func eachFailureIsExplainedWithItsCauseAndFix() {
        func explain(_ step: DataChannelPlan.Step, _ failure: DataChannelPlan.Failure, _ advertised: String? = nil) -> String {
            DataChannelTrouble.explain(.init(step: step, failure: failure, advertised: advertised))
        }
        #expect(explain(.passive, .connectionRefused(address: "203.0.113.2", port: 40001)).contains("a firewall rejects the server's passive ports"))
        #expect(explain(.active, .serverCouldNotConnect(reply(425, "Failed to establish connection."))).contains("the server could not connect back to you (PORT: 425"))
        #expect(explain(.active, .refused(reply(500, "Illegal PORT command.")), "203.0.113.9").contains("it does not allow active mode from here"))
        #expect(explain(.extendedPassive, .refused(reply(502, "Not implemented"))).contains("it does not offer it"))
        #expect(explain(.passive, .refused(reply(425, "No ports"))).contains("out of passive ports"))
    }
}
