/// `/readyz`: ready when every chain has at least one connected validator and a writable state.
/// Pure over the facts, so the rule is stated once.
enum Readiness {
    static func problems(chains: [StatusSnapshot.Chain], validators: [StatusSnapshot.Validator]) -> [String] {
        var out: [String] = []
        for chain in chains {
            if !validators.contains(where: { $0.chainID == chain.chainID && $0.connected }) {
                out.append("chain \(chain.chainID): no validator connected")
            }
            if !chain.stateWritable {
                out.append("chain \(chain.chainID): state not writable")
            }
        }
        return out
    }
}
