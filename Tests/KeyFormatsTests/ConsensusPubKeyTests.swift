import Foundation
import KeyFormats
import SigilCrypto
import Testing
import TestSupport

struct ConsensusPubKeyTests {
    static let derived = "keys/derived-key-values.json"

    @Test(.enabled(if: Vectors.available(derived)))
    func renderingsOfDerivedKeys() throws {
        let keys = object(try Vectors.json(Self.derived))["keys"] as? [Object] ?? []
        #expect(keys.count == 4)
        for k in keys {
            let name = k["name"] as? String ?? "?"
            let key = try Ed25519.PrivateKey(seed: [UInt8](hex: try #require(k["seed_hex"] as? String)))
            let pub = ConsensusPubKey(key.publicKey)
            #expect(pub.hex == (k["public_key_hex"] as? String)?.uppercased(), "\(name)")
            #expect(pub.base64 == k["public_key_base64"] as? String, "\(name)")
            #expect(pub.addressHex == k["address_hex_upper"] as? String, "\(name)")
            #expect(pub.render(.address) == k["address_hex_upper"] as? String, "\(name)")
            let bech = object(k["bech32"])
            for hrp in ["cosmosvalconspub", "kiravalconspub"] {
                #expect(pub.bech32(hrp: hrp) == bech[hrp] as? String, "\(name) \(hrp)")
                #expect(try ConsensusPubKey(bech32: pub.bech32(hrp: hrp)) == pub, "\(name) \(hrp)")
            }
            #expect(pub.render(.bech32) == bech["kiravalconspub"] as? String, "\(name)")
            for hrp in ["cosmosvalcons", "kiravalcons"] {
                #expect(pub.addressBech32(hrp: hrp) == bech[hrp] as? String, "\(name) \(hrp)")
            }
            #expect(pub.cosmosJSON == "{\"@type\":\"/cosmos.crypto.ed25519.PubKey\",\"key\":\"\(pub.base64)\"}")
            let parsed = try JSONSerialization.jsonObject(with: Data(pub.render(.cosmosJSON).utf8)) as? [String: String]
            #expect(parsed?["key"] == k["public_key_base64"] as? String, "\(name)")
        }
    }

    @Test(.enabled(if: Vectors.available("keys/expected-values.json")))
    func upstreamAddressAndAminoJSON() throws {
        let root = object(try Vectors.json("keys/expected-values.json"))
        let addresses = (root["address_vectors"] as? [Object] ?? []).filter { $0["key_type"] as? String == "ed25519" }
        #expect(addresses.count == 1)
        for a in addresses {
            let raw = [UInt8](hex: try #require(a["pubkey_hex"] as? String))
            let pub = ConsensusPubKey(try Ed25519.PublicKey(rawRepresentation: raw))
            #expect(pub.addressHex == a["address_hex"] as? String)
        }
        let jsons = root["pubkey_json_vectors"] as? [Object] ?? []
        #expect(jsons.count == 1)
        for j in jsons {
            let raw = [UInt8](hex: try #require(j["ed25519_hex"] as? String))
            let pub = ConsensusPubKey(try Ed25519.PublicKey(rawRepresentation: raw))
            #expect(pub.aminoJSON == j["json"] as? String)
            #expect(pub.render(.aminoJSON) == j["json"] as? String)
        }
    }

    @Test func bech32OfSomethingElseIsRejected() throws {
        let address = Bech32.encode(hrp: "kiravalcons", data: [UInt8](repeating: 1, count: 20))
        let error = keyFormatError { try ConsensusPubKey(bech32: address) }
        #expect(error?.code == .invalidBech32)
        #expect(error?.description.contains("1624DE6420") == true)
    }

    @Test func formatNamesAreTheCLISpellings() {
        #expect(ConsensusPubKey.Format.allCases.map(\.rawValue)
            == ["hex", "base64", "bech32", "cosmos-json", "amino-json", "address"])
    }
}
