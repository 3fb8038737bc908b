import Foundation
import Testing
@testable import SignerState

@Suite struct DuplicateKeyTests {
    @Test(arguments: [
        ("{\"height\":\"1\",\"round\":0,\"height\":\"9\"}", "height"),
        ("{\"a\":{\"x\":1,\"x\":2}}", "x"),
        ("{\"h\\u0065ight\":\"1\",\"height\":\"2\"}", "height"),
        ("{\"block_id\":{\"hash\":\"AB\",\"hash\":\"CD\"},\"height\":\"1\"}", "hash"),
    ])
    func duplicatesAreFound(text: String, key: String) {
        #expect(DuplicateKeys.first(in: Array(text.utf8)) == key)
    }

    @Test(arguments: [
        "{\"height\":\"1\",\"round\":0,\"step\":3}",
        "{\"a\":[{\"x\":1},{\"x\":2}],\"b\":\"x\",\"x\":\"\\\"x\"}",
        "{\"a\":{\"x\":1},\"b\":{\"x\":1}}",
    ])
    func distinctKeysPass(text: String) {
        #expect(DuplicateKeys.first(in: Array(text.utf8)) == nil)
    }

    @Test func decodeRefusesADuplicatedWatermark() {
        #expect(throws: StateError(code: .invalid, reason: "")) {
            try StateFileFormat.decode(Array("{\"height\":\"900\",\"round\":0,\"step\":3,\"height\":\"5\"}".utf8), path: "s.json")
        }
    }
}

@Suite struct StaleTempNameTests {
    @Test func onlyPersistsOwnPatternMatches() {
        let file = StateFile(path: "/var/lib/sigil/state/kira-1_priv_validator_state.json")
        #expect(file.isOwnTempName(".kira-1_priv_validator_state.json.tmp-123-4567890"))
        for name in [".kira-1_priv_validator_state.json.tmp-123", ".kira-1_priv_validator_state.json.tmp-a-1",
                     ".kira-1_priv_validator_state.json.tmp-1-2-3", "kira-1_priv_validator_state.json.tmp-1-2",
                     ".kira-2_priv_validator_state.json.tmp-1-2", ".kira-1_priv_validator_state.json.tmp--1"] {
            #expect(!file.isOwnTempName(name), "\(name)")
        }
    }
}
