import Testing
@testable import FerryCore

@Suite struct AddressCodecTests {
    @Test func textbookPortExampleIsPort7205() throws {
        let endpoint = try AddressCodec.parsePortArgument("192,168,10,111,28,37")
        #expect(endpoint.address == "192.168.10.111")
        #expect(endpoint.port == 7205)
    }

    @Test func textbookPassiveExampleIsPort3441() throws {
        let endpoint = try AddressCodec.parsePassiveReply("Entering Passive Mode (200,10,211,111,13,113)")
        #expect(endpoint.address == "200.10.211.111")
        #expect(endpoint.port == 3441)
    }

    @Test(arguments: [
        "Entering Passive Mode (127,0,0,1,195,80).",
        "Entering Passive Mode 127,0,0,1,195,80",
        "=127,0,0,1,195,80",
        "Entering passive mode (127,0,0,1,195,80) thanks to 2 servers",
        "Passive 1 (127,0,0,1,195,80)",
    ])
    func parsesPassiveRepliesInEveryForm(_ text: String) throws {
        let endpoint = try AddressCodec.parsePassiveReply(text)
        #expect(endpoint == IPv4Endpoint(octets: [127, 0, 0, 1], port: 50000))
    }

    @Test func rejectsOutOfRangeOrMissingPassiveAddress() {
        #expect(throws: AddressCodecError.self) { try AddressCodec.parsePassiveReply("Entering Passive Mode (300,0,0,1,4,1)") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parsePassiveReply("Entering Passive Mode (1,2,3,4,0,0)") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parsePassiveReply("Entering Passive Mode") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parsePassiveReply("(1,2,3,4,5)") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parsePassiveReply("(99999999999,2,3,4,5,6)") }
    }

    @Test func parsesExtendedPassiveReplies() throws {
        #expect(try AddressCodec.parseExtendedPassiveReply("Entering Extended Passive Mode (|||6446|)") == 6446)
        #expect(try AddressCodec.parseExtendedPassiveReply("Entering extended passive mode (!!!50000!).") == 50000)
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPassiveReply("Entering (|||70000|)") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPassiveReply("Entering (||1.2.3.4|6446|)") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPassiveReply("Entering Extended Passive Mode") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPassiveReply("(|||0|)") }
    }

    @Test(arguments: [
        IPv4Endpoint(octets: [127, 0, 0, 1], port: 21),
        IPv4Endpoint(octets: [10, 1, 2, 3], port: 65535),
        IPv4Endpoint(octets: [255, 255, 255, 255], port: 1),
    ])
    func portRoundTrips(_ endpoint: IPv4Endpoint) throws {
        #expect(try AddressCodec.parsePortArgument(AddressCodec.encodePort(endpoint)) == endpoint)
    }

    @Test func encodesEprtForBothFamiliesAndRoundTrips() throws {
        let v4 = ExtendedEndpoint(family: .ipv4, address: "132.235.1.2", port: 6275)
        let v6 = ExtendedEndpoint(family: .ipv6, address: "1080::8:800:200C:417A", port: 5282)
        #expect(AddressCodec.encodeExtendedPort(v4) == "|1|132.235.1.2|6275|")
        #expect(AddressCodec.encodeExtendedPort(v6) == "|2|1080::8:800:200C:417A|5282|")
        #expect(try AddressCodec.parseExtendedPortArgument("|1|132.235.1.2|6275|") == v4)
        #expect(try AddressCodec.parseExtendedPortArgument("|2|1080::8:800:200C:417A|5282|") == v6)
        #expect(try AddressCodec.parseExtendedPortArgument(AddressCodec.encodeExtendedPort(v6)) == v6)
    }

    @Test func rejectsMalformedEprt() {
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPortArgument("|3|1.2.3.4|21|") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPortArgument("|1|1.2.3|21|") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPortArgument("|1|1.2.3.4|0|") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPortArgument("|2|nonsense|21|") }
        #expect(throws: AddressCodecError.self) { try AddressCodec.parseExtendedPortArgument("1|1.2.3.4|21") }
    }
}
