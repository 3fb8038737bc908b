import SignerState
import Testing

/// The export shapes other signers read, and where `sigil start` looks for an older signer's state.
struct StateTransferTests {
    let state = LastSignState(height: 44, round: 1, step: .precommit, signature: [1, 2], signBytes: [3, 4])

    @Test func tmkmsGetsItsStepNumberingAndTheBlock() {
        let block = SignedBlock.block(hash: [0xAB, 0xCD], partsTotal: 1, partsHash: [0xEF])
        #expect(StateFiles.render(state, as: .tmkms, block: block)
            == "{\"height\":\"44\",\"round\":\"1\",\"step\":2,\"block_id\":{\"hash\":\"ABCD\",\"parts\":{\"total\":1,\"hash\":\"EF\"}}}\n")
        #expect(StateFiles.render(state, as: .tmkms, block: .none)
            == "{\"height\":\"44\",\"round\":\"1\",\"step\":2,\"block_id\":null}\n")
    }

    /// Without the block, tmkms could sign nil again where a block was signed: the next round instead.
    @Test func tmkmsWithoutTheBlockMovesToTheNextRound() {
        #expect(StateFiles.render(state, as: .tmkms, block: .unknown)
            == "{\"height\":\"44\",\"round\":\"2\",\"step\":0,\"block_id\":null}\n")
        #expect(StateFiles.render(.initial, as: .tmkms, block: .unknown)
            == "{\"height\":\"0\",\"round\":\"0\",\"step\":0,\"block_id\":null}\n")
    }

    @Test func horcruxAndCometBFT() {
        let h = StateFiles.render(state, as: .horcrux, block: .unknown)
        #expect(h.contains("\"round\": \"1\"") && h.contains("\"nonce_public\": null") && h.contains("\"signbytes\": \"0304\""))
        let c = StateFiles.render(state, as: .cometbft, block: .unknown)
        #expect(c.contains("\"round\": 1,") && !c.contains("nonce_public") && c.contains("\"signature\": \"AQI=\""))
    }

    @Test func usualPlacesAreAbsoluteAndUnique() {
        let places = PriorState.usualPlaces(chainID: "kira-1", configDirectory: "/root/.tmkms", home: "/root",
                                            workingDirectory: "/root/.tmkms/")
        #expect(places.first == "/root/.tmkms/state/kira-1-consensus.json")
        #expect(Set(places).count == places.count)
        #expect(places.contains("/root/.sekaid/data/priv_validator_state.json"))
        #expect(PriorState.search(places, excluding: "/root/.tmkms/./state/kira-1-consensus.json").isEmpty)
    }
}
