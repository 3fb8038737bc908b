import Foundation
import Testing
import TestSupport
import Sockets
@testable import WireGuard

struct ConfigParserTests {
    static let sk = "kFz9mlS29zBPnVzSZ8kC0lpbdBSDuKtd5Y2V/9cBMXM="
    static let pk = "C5+OsCoGFDFq8X/UGa6jj2GO9r7Q/sCbErVab+gBWhU="
    static let pk2 = "AYKSDfASJILnm3Pi8qEtmhpgNo9BGPsjM5hc/JohLyY="

    static let full = """
        # validator side
        [Interface]
        PrivateKey = \(sk)
        Address = 10.200.0.1/24, fd00:200::1/64
        address = 10.201.0.1/32
        ListenPort = 51820
        MTU = 1380
        FwMark = 0x1234
        Table = off
        PostUp = echo up %i # kept

        [Peer]
        PublicKey = \(pk)   # signer
        PresharedKey = \(sk)
        AllowedIPs = 10.200.0.2/32
        AllowedIPs = fd00:200::2/128
        Endpoint = 198.51.100.20:51820
        PersistentKeepalive = 25

        [peer]
        PublicKey = \(pk2)
        Endpoint = [2001:db8::1]:51821
        """

    @Test func parsesEveryKey() throws {
        let c = try TunnelConfig.parse(Self.full, name: "wg0")
        #expect(c.name == "wg0")
        #expect(c.privateKey?.base64 == Self.sk)
        #expect(c.addresses.map(\.description) == ["10.200.0.1/24", "fd00:200::1/64", "10.201.0.1/32"])
        #expect(c.listenPort == 51820)
        #expect(c.mtu == 1380)
        #expect(c.fwmark == 0x1234)
        #expect(c.table == .off)
        #expect(c.postUp == ["echo up %i # kept"])
        #expect(c.peers.count == 2)
        let p = c.peers[0]
        #expect(p.publicKey.base64 == Self.pk)
        #expect(p.presharedKey?.base64 == Self.sk)
        #expect(p.allowedIPs.map(\.description) == ["10.200.0.2/32", "fd00:200::2/128"])
        #expect(p.endpoint == HostPort(host: "198.51.100.20", port: 51820))
        #expect(p.persistentKeepalive == 25)
        #expect(c.peers[1].endpoint == HostPort(host: "2001:db8::1", port: 51821))
        #expect(c.peers[1].allowedIPs.isEmpty)
    }

    @Test func renderRoundTrips() throws {
        let c = try TunnelConfig.parse(Self.full, name: "wg0")
        let text = c.render()
        #expect(try TunnelConfig.parse(text, name: "wg0") == c)
        #expect(text.contains("Address = 10.200.0.1/24, fd00:200::1/64, 10.201.0.1/32\n"))
        #expect(text.contains("Endpoint = [2001:db8::1]:51821\n"))
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let expect: String
        var testDescription: String { expect }
    }

    static let bad: [BadCase] = [
        BadCase(text: "[Interface]\nPrivateKey = \(sk)\nListenPort = 70000\n", line: 3, expect: "ListenPort = 70000"),
        BadCase(text: "[Interface]\nAddress = 10.0.0.300/24\n", line: 2, expect: "10.0.0.300/24"),
        BadCase(text: "ListenPort = 1\n", line: 1, expect: "outside a section"),
        BadCase(text: "[Interface]\nFoo = bar\n", line: 2, expect: "unknown key in [Interface]; expected PrivateKey, Address, "
                + "ListenPort, MTU, FwMark, DNS, Table, SaveConfig or a Pre/Post Up/Down hook: `Foo = (3 characters, not shown)'"),
        BadCase(text: "[Interface]\n[Peer]\nAllowedIPs = 10.0.0.2/32\n", line: 2, expect: "no PublicKey"),
        BadCase(text: "[Interface]\n[Peer]\nPublicKey = \(pk)\nEndpoint = host\n", line: 4, expect: "host:port"),
        BadCase(text: "[Interface]\n[Peer]\nPublicKey = abc\n", line: 3, expect: "`abc'"),
        BadCase(text: "[Interface]\nMTU = 1380\nMTU = 1400\n", line: 3, expect: "already set"),
        BadCase(text: "[Interface]\n[Wat]\n", line: 2, expect: "unknown section"),
        BadCase(text: "[Interface]\njust words\n", line: 2, expect: "Key = Value"),
        BadCase(text: "[Interface]\nTable = main\n", line: 2, expect: "Table must be"),
    ]

    @Test(arguments: bad)
    func errorsQuoteTheLine(_ c: BadCase) {
        do {
            _ = try TunnelConfig.parse(c.text, name: "wg0")
            Issue.record("accepted: \(c.text)")
        } catch let e as WireGuardError {
            #expect(e.code == .config)
            #expect(e.reason.hasPrefix("wg0.conf:\(c.line): "), "\(e.reason)")
            #expect(e.reason.contains(c.expect), "\(e.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func badPrivateKeyLineIsRedacted() {
        let almost = String(Self.sk.dropLast(2)) + "N="
        do {
            _ = try TunnelConfig.parse("[Interface]\nPrivateKey = \(almost)\n", name: "wg0")
            Issue.record("accepted a non-canonical key")
        } catch {
            #expect("\(error)".contains("wg0.conf:2"))
            #expect(!"\(error)".contains(String(almost.prefix(10))))
        }
    }

    @Test(arguments: [("/etc/wireguard/wg0.conf", "wg0"), ("a.b=c+d_e-f.conf", "a.b=c+d_e-f"),
                      ("x/123456789012345.conf", "123456789012345")])
    func interfaceNameFromPath(_ path: String, _ name: String) throws {
        #expect(try TunnelConfig.interfaceName(forPath: path) == name)
    }

    @Test(arguments: ["wg0.cfg", "1234567890123456.conf", "wg 0.conf", ".conf", "wg/0.conf/"])
    func badInterfaceNames(_ path: String) {
        #expect(throws: WireGuardError.self) { try TunnelConfig.interfaceName(forPath: path) }
    }

    @Test func hostPort() {
        #expect(HostPort("example.com:51820") == HostPort(host: "example.com", port: 51820))
        #expect(HostPort("[::1]:1") == HostPort(host: "::1", port: 1))
        #expect(HostPort("::1:1") == nil)
        #expect(HostPort("[example.com]:1") == nil)
        #expect(HostPort("a:0") == nil)
        #expect(HostPort("a:65536") == nil)
        #expect(HostPort(host: "::1", port: 9).description == "[::1]:9")
    }

    @Test func deviceConfigIsFullDesiredState() throws {
        let c = try TunnelConfig.parse("[Interface]\nPrivateKey = \(Self.sk)\n[Peer]\nPublicKey = \(Self.pk)\n",
                                       name: "wg0")
        let d = try c.deviceConfig
        #expect(d.fwmark == 0)
        #expect(d.listenPort == nil)
        #expect(d.peers[0].presharedKey?.isZero == true)
        #expect(d.peers[0].persistentKeepalive == 0)
    }
}

struct ConfigLoadTests {
    @Test func loadRefusesReadableConfigAndNamesTheInterface() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("wgL.conf")
        let text = "[Interface]\nPrivateKey = \(ConfigParserTests.sk)\n"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                               attributes: [.posixPermissions: 0o600]))
        #expect(try TunnelConfig.load(path: path).name == "wgL")
        chmod(path, 0o644)
        #expect(throws: WireGuardError(code: .insecureKeyFile, reason: "")) { try TunnelConfig.load(path: path) }
    }

    @Test func namedEndpointResolves() throws {
        let e = try HostPort(host: "localhost", port: 51820).resolve()
        #expect(e.address.isLoopback)
        #expect(e.port == 51820)
        #expect(throws: WireGuardError(code: .config, reason: "")) {
            try HostPort(host: "no-such-host.invalid", port: 1).resolve()
        }
    }
}
