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
// LD_PRELOAD shim: answers wg(8)'s netlink requests like a kernel with the wireguard family, records requests.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

static unsigned char reply[256];
static size_t reply_len;

static void put_msg(uint16_t type, uint32_t seq, const void *payload, uint32_t plen) {
    struct nlmsghdr h = { .nlmsg_len = 16 + plen, .nlmsg_type = type, .nlmsg_flags = 0, .nlmsg_seq = seq };
    memcpy(reply + reply_len, &h, 16);
    memcpy(reply + reply_len + 16, payload, plen);
    reply_len += (16 + plen + 3) & ~3u;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen) {
    const struct nlmsghdr *h = buf;
    if (len < 16) { errno = EINVAL; return -1; }
    const char *out = getenv("WGCAP_OUT");
    FILE *f = fopen(out, "ab");
    uint32_t l = (uint32_t)len;
    fwrite(&l, 4, 1, f);
    fwrite(buf, 1, len, f);
    fclose(f);
    reply_len = 0;
    unsigned char ack[20] = {0};
    memcpy(ack + 4, h, 16);
    if (h->nlmsg_type == 0x10) {
        // CTRL_CMD_NEWFAMILY: genlmsghdr + CTRL_ATTR_FAMILY_ID u16 0x1c
        unsigned char fam[12] = { 1, 2, 0, 0, 6, 0, 1, 0, 0x1c, 0, 0, 0 };
        put_msg(0x10, h->nlmsg_seq, fam, sizeof fam);
    }
    put_msg(NLMSG_ERROR, h->nlmsg_seq, ack, sizeof ack);
    return (ssize_t)len;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    memcpy(msg->msg_iov[0].iov_base, reply, reply_len);
    msg->msg_namelen = sizeof(struct sockaddr_nl);
    memset(msg->msg_name, 0, sizeof(struct sockaddr_nl));
    ((struct sockaddr_nl *)msg->msg_name)->nl_family = AF_NETLINK;
    msg->msg_flags = 0;
    return (ssize_t)reply_len;
}

"""#

    /// What `wg setconf` sends for `config` (the family lookup dropped, sequence numbers zeroed).
    static func wgSetconf(_ config: DeviceConfig) throws -> [[UInt8]] {
        let dir = try TempDir("sigil-wgcap")
        defer { dir.remove() }
        try shimSource.write(toFile: dir.path("shim.c"), atomically: true, encoding: .utf8)
        let (ccStatus, ccOut) = try run(
            "/usr/bin/cc", ["-shared", "-fPIC", "-o", dir.path("shim.so"), dir.path("shim.c")])
        try #require(ccStatus == 0, "cc: \(ccOut)")
        try render(config).write(toFile: dir.path("wg0.conf"), atomically: true, encoding: .utf8)
        let (status, out) = try run("/usr/bin/wg", ["setconf", "wg0", dir.path("wg0.conf")],
                                    environment: ["LD_PRELOAD": dir.path("shim.so"), "WGCAP_OUT": dir.path("out.bin")])
        try #require(status == 0, "wg setconf: \(out)")
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
        return messages
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
            privateKey: testKey(0x11), listenPort: 51820,
            peers: [PeerConfig(publicKey: testKey(0x22), presharedKey: testKey(0x33),
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
