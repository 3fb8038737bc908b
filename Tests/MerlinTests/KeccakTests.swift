import Testing
@testable import Merlin

@Suite struct KeccakTests {
    /// The Keccak team's known answer: Keccak-f[1600] applied to the all-zero state gives first lane
    /// F1258F7940E1DDE7 (KeccakF-1600-IntermediateValues.txt).
    @Test func zeroStateFirstLane() {
        var lanes = [UInt64](repeating: 0, count: 25)
        Keccak1600.permute(&lanes)
        #expect(lanes[0] == 0xF125_8F79_40E1_DDE7)
        #expect(lanes.contains { $0 != 0 } && Set(lanes).count == 25)
    }

    @Test func byteStateIsLittleEndianLanes() {
        var lanes = [UInt64](repeating: 0, count: 25)
        Keccak1600.permute(&lanes)
        var bytes = [UInt8](repeating: 0, count: 200)
        Keccak1600.permute(bytes: &bytes)
        #expect(Array(bytes.prefix(8)) == [0xE7, 0xDD, 0xE1, 0x40, 0x79, 0x8F, 0x25, 0xF1])
        let relaid = (0..<200).map { UInt8(truncatingIfNeeded: lanes[$0 / 8] >> (8 * UInt64($0 % 8))) }
        #expect(bytes == relaid)
    }

    /// A whole sponge checks every round and lane, not just lane 0: SHA3-256 digests from FIPS 202's examples.
    @Test(arguments: [
        ("", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
        ("abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
    ])
    func sha3_256(message: String, digest: String) {
        #expect(Self.sha3_256(Array(message.utf8)).hexString == digest)
    }

    private static func sha3_256(_ message: [UInt8]) -> [UInt8] {
        let rate = 136
        var padded = message + [0x06]
        while padded.count % rate != 0 { padded.append(0) }
        padded[padded.count - 1] |= 0x80
        var state = [UInt8](repeating: 0, count: 200)
        for block in stride(from: 0, to: padded.count, by: rate) {
            for i in 0..<rate { state[i] ^= padded[block + i] }
            Keccak1600.permute(bytes: &state)
        }
        return Array(state.prefix(32))
    }
}
