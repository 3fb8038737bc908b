import Foundation
import Netlink
import Sockets
import TestSupport
import Testing

@testable import WireGuard

/// Runs the real wg(8) (`wg setconf`) with a preloaded shim that answers its netlink requests like a kernel
/// with the `wireguard` family (id 0x1c) and records what it sends, then compares those messages byte for
/// byte with `WireGuardSetMessages`. The shim stands in for the kernel only because this host has no
/// wireguard.ko; the bytes under test come from wireguard-tools itself.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/wg")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/cc"), "needs wg(8) and a C compiler"))
struct KernelWgToolsTests {
    static let shimSource = #"""
// LD_PRELOAD shim standing in for a kernel with the wireguard genl family (id 0x1c): records every request
// in $WGCAP_OUT; answers CTRL_CMD_GETFAMILY, ACKs everything else, and answers WG_CMD_GET_DEVICE with the
// messages in $WGCAP_REPLY (sequence numbers patched), handed out in datagrams that fit wg's buffer.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

static unsigned char *reply;
static size_t reply_len, reply_off, reply_cap;

static void put_raw(const void *p, size_t n) {
    if (reply_len + n > reply_cap) {
        reply_cap = (reply_len + n) * 2;
        reply = realloc(reply, reply_cap);
    }
    memcpy(reply + reply_len, p, n);
    reply_len += n;
}

static void put_msg(uint16_t type, uint32_t seq, const void *payload, uint32_t plen) {
    struct nlmsghdr h = { .nlmsg_len = 16 + plen, .nlmsg_type = type, .nlmsg_seq = seq };
    static const unsigned char pad[4];
    put_raw(&h, 16);
    put_raw(payload, plen);
    put_raw(pad, ((16 + plen + 3) & ~3u) - (16 + plen));
}

static void put_canned(uint32_t seq) {
    FILE *f = fopen(getenv("WGCAP_REPLY"), "rb");
    unsigned char buf[65536];
    size_t n;
    size_t start = reply_len;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) put_raw(buf, n);
    fclose(f);
    for (size_t i = start; i + 16 <= reply_len;) {
        struct nlmsghdr *h = (struct nlmsghdr *)(reply + i);
        h->nlmsg_seq = seq;
        i += (h->nlmsg_len + 3) & ~3u;
    }
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen) {
    const struct nlmsghdr *h = buf;
    const unsigned char *genl = (const unsigned char *)buf + 16;
    if (len < 20) { errno = EINVAL; return -1; }
    FILE *f = fopen(getenv("WGCAP_OUT"), "ab");
    uint32_t l = (uint32_t)len;
    fwrite(&l, 4, 1, f);
    fwrite(buf, 1, len, f);
    fclose(f);
    reply_len = reply_off = 0;
    unsigned char ack[20] = {0};
    memcpy(ack + 4, h, 16);
    if (h->nlmsg_type == 0x10) {
        unsigned char fam[12] = { 1, 2, 0, 0, 6, 0, 1, 0, 0x1c, 0, 0, 0 };  // genlmsghdr, CTRL_ATTR_FAMILY_ID
        put_msg(0x10, h->nlmsg_seq, fam, sizeof fam);
        put_msg(NLMSG_ERROR, h->nlmsg_seq, ack, sizeof ack);
    } else if (genl[0] == 0 && getenv("WGCAP_REPLY")) {
        put_canned(h->nlmsg_seq);
    } else {
        put_msg(NLMSG_ERROR, h->nlmsg_seq, ack, sizeof ack);
    }
    return (ssize_t)len;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    size_t room = msg->msg_iov[0].iov_len, n = 0;
    while (reply_off + n + 16 <= reply_len) {
        uint32_t m = ((struct nlmsghdr *)(reply + reply_off + n))->nlmsg_len;
        size_t next = n + ((m + 3) & ~3u);
        if (next > room) break;
        n = next;
    }
    memcpy(msg->msg_iov[0].iov_base, reply + reply_off, n);
    reply_off += n;
    msg->msg_namelen = sizeof(struct sockaddr_nl);
    memset(msg->msg_name, 0, sizeof(struct sockaddr_nl));
    ((struct sockaddr_nl *)msg->msg_name)->nl_family = AF_NETLINK;
    msg->msg_flags = 0;
    return (ssize_t)n;
}
"""#

    /// Runs wg(8) with the shim; returns its output and the requests it sent (family lookup dropped,
    /// sequence numbers zeroed).
    static func runWg(_ arguments: [String], files: [String: String] = [:], reply: [[UInt8]]? = nil)
        throws -> (output: String, requests: [[UInt8]])
    {
        let dir = try TempDir("sigil-wgcap")
        defer { dir.remove() }
        try shimSource.write(toFile: dir.path("shim.c"), atomically: true, encoding: .utf8)
        let (ccStatus, ccOut) = try run(
            "/usr/bin/cc", ["-shared", "-fPIC", "-o", dir.path("shim.so"), dir.path("shim.c")])
        try #require(ccStatus == 0, "cc: \(ccOut)")
        for (name, text) in files { try text.write(toFile: dir.path(name), atomically: true, encoding: .utf8) }
        var env = ["LD_PRELOAD": dir.path("shim.so"), "WGCAP_OUT": dir.path("out.bin")]
        if let reply {
            try Data(reply.joined()).write(to: URL(fileURLWithPath: dir.path("reply.bin")))
            env["WGCAP_REPLY"] = dir.path("reply.bin")
        }
        let args = arguments.map { $0.hasPrefix("@") ? dir.path(String($0.dropFirst())) : $0 }
        let (status, out) = try run("/usr/bin/wg", args, environment: env)
        try #require(status == 0, "wg \(arguments.joined(separator: " ")): \(out)")
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path("out.bin"))))
        var messages: [[UInt8]] = []
        var i = 0
        while i + 4 <= data.count {
            let n = Int(data[i]) | Int(data[i + 1]) << 8 | Int(data[i + 2]) << 16 | Int(data[i + 3]) << 24
            var m = Array(data[(i + 4)..<(i + 4 + n)])
            m.replaceSubrange(8..<12, with: [0, 0, 0, 0])
            if m[4] != 0x10 { messages.append(m) }  // skip CTRL_CMD_GETFAMILY
            i += 4 + n
        }
        return (out, messages)
    }

    /// What `wg setconf` sends for `config`.
    static func wgSetconf(_ config: DeviceConfig) throws -> [[UInt8]] {
        try runWg(["setconf", "wg0", "@wg0.conf"], files: ["wg0.conf": render(config)]).requests
    }

    static func render(_ c: DeviceConfig) -> String {
        var s = "[Interface]\n"
        if let k = c.privateKey { s += "PrivateKey = \(k.base64)\n" }
        if let p = c.listenPort { s += "ListenPort = \(p)\n" }
        if let m = c.fwmark { s += "FwMark = \(m)\n" }
        for p in c.peers {
            s += "\n[Peer]\nPublicKey = \(p.publicKey.base64)\n"
            if let k = p.presharedKey { s += "PresharedKey = \(k.base64)\n" }
            if let e = p.endpoint { s += "Endpoint = \(e)\n" }
            if let k = p.persistentKeepalive { s += "PersistentKeepalive = \(k)\n" }
            if !p.allowedIPs.isEmpty {
                s += "AllowedIPs = \(p.allowedIPs.map(\.description).joined(separator: ", "))\n"
            }
        }
        return s
    }

    /// `setconf` semantics: replace peers, replace each peer's allowed IPs, fwmark 0 unless given.
    static func asSetconf(_ c: DeviceConfig) -> DeviceConfig {
        var c = c
        c.replacePeers = true
        c.fwmark = c.fwmark ?? 0
        for i in c.peers.indices {
            c.peers[i].replaceAllowedIPs = true
            c.peers[i].updateOnly = false
        }
        return c
    }

    @Test func singlePeerMatchesWg() throws {
        let config = Self.asSetconf(DeviceConfig(
            privateKey: kernelTestKey(0x11), listenPort: 51820,
            peers: [PeerConfig(publicKey: kernelTestKey(0x22), presharedKey: kernelTestKey(0x33),
                               endpoint: Endpoint(address: IPAddress("2001:db8::1")!, port: 51820),
                               persistentKeepalive: 25, allowedIPs: [CIDR("10.200.0.2/32")!, CIDR("fd00::2/128")!])]))
        let ours = try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c)
        #expect(try Self.wgSetconf(config) == ours)
    }

    @Test func threeHundredPeersSplitExactlyAsWgSplits() throws {
        let config = Self.asSetconf(KernelSplitTests.bigConfig())
        let theirs = try Self.wgSetconf(config)
        let ours = try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c,
                                                  bufferSize: min(Int(sysconf(Int32(_SC_PAGESIZE))), 8192))
        #expect(theirs.count > 1)
        #expect(theirs.count == ours.count)
        for (i, (a, b)) in zip(theirs, ours).enumerated() {
            let common = min(a.count, b.count)
            let firstDifference = (0..<common).first { a[$0] != b[$0] } ?? (a.count == b.count ? nil : common)
            let context = "message \(i + 1) of \(theirs.count): wg \(a.count) bytes, ours \(b.count)"
            #expect(firstDifference == nil, "\(context), first difference at byte \(firstDifference ?? -1)")
        }
    }
}

/// The reverse direction: wg(8) parses the same GET dump bytes our parser reads, and both must agree.
extension KernelWgToolsTests {
    /// `wg show <if> dump` rendered from our parsed `Device`.
    static func dumpLines(_ d: Device) -> [String] {
        func key(_ k: WireGuardKey?) -> String { k?.base64 ?? "(none)" }
        var lines = ["\(key(d.privateKey))\t\(key(d.publicKey))\t\(d.listenPort)\t"
            + (d.fwmark == 0 ? "off" : "0x" + String(d.fwmark, radix: 16))]
        for p in d.peers {
            let ips = p.allowedIPs.isEmpty ? "(none)" : p.allowedIPs.map(\.description).joined(separator: ",")
            lines.append([key(p.publicKey), key(p.presharedKey), p.endpoint.map(\.description) ?? "(none)", ips,
                          "\(p.lastHandshakeSeconds)", "\(p.rxBytes)", "\(p.txBytes)",
                          p.persistentKeepalive == 0 ? "off" : "\(p.persistentKeepalive)"].joined(separator: "\t"))
        }
        return lines
    }

    @Test func multiPartDumpParsesAsWgParsesIt() throws {
        let dump = KernelReplies.twoPartDump()
        let (output, requests) = try Self.runWg(["show", "wg0", "dump"], reply: dump)
        // wg's GET request is byte-identical to ours.
        #expect(requests == [try WireGuardSetMessages.get(interface: "wg0", familyID: 0x1c)])
        let ours = try WireGuardDeviceParser.parse(bytes: Array(dump.dropLast()))
        #expect(output.split(separator: "\n").map(String.init) == Self.dumpLines(ours))
    }

    @Test func threeHundredPeerDumpParsesAsWgParsesIt() throws {
        let set = try WireGuardSetMessages.build(interface: "wg0", config: KernelSplitTests.bigConfig(),
                                                 familyID: 0x1c, bufferSize: 4096)
        let dump = set.map { m -> [UInt8] in
            var m = m
            m[6] = 0x02  // NLM_F_MULTI, as dump parts carry
            m[7] = 0
            m[16] = 0  // WG_CMD_GET_DEVICE
            return m
        } + [RecordingTransport.done()]
        let (output, _) = try Self.runWg(["show", "wg0", "dump"], reply: dump)
        let ours = try WireGuardDeviceParser.parse(bytes: Array(dump.dropLast()))
        #expect(ours.peers.count == 300)
        let theirs = output.split(separator: "\n").map(String.init)
        let expected = Self.dumpLines(ours)
        #expect(theirs.count == expected.count)
        for (a, b) in zip(theirs, expected) where a != b {
            #expect(a == b)
            break
        }
    }
}
