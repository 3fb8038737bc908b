import Foundation
import Testing
import TestSupport
import ValidatorPeer

/// The host half of Tests/kernel/power-cut.sh, which builds the VM (kernel, initramfs with `sigil`, an ext4 state
/// disk) and passes it in through the environment; without it this test does not run. Each cut boots qemu, lets
/// the signer in the VM dial this peer through qemu's user network, and SIGKILLs qemu at a random moment while a
/// sign request is in flight. The next boot mounts the same disk image. See Docs/reliability.md.
@Suite(.serialized)
struct PowerCutTests {
    static let env = ProcessInfo.processInfo.environment

    @Test(.enabled(if: env["SIGIL_POWERCUT_DISK"] != nil, "run by Tests/kernel/power-cut.sh"))
    func pullingThePlugReleasesNoConflictingSignature() throws {
        let env = Self.env
        let unsafe = env["SIGIL_POWERCUT_MODE"] == "unsafe"
        let cuts = Int(env["SIGIL_POWERCUT_CUTS"] ?? "") ?? 6
        let seed = UInt64(env["SIGIL_POWERCUT_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(Int64.max))
        let accel = env["SIGIL_QEMU_ACCEL"] ?? "tcg"
        print("power-cut: \(cuts) cuts, \(unsafe ? "UNSAFE (fsync skipped)" : "safe"), seed \(seed) "
            + "(replay: SIGIL_POWERCUT_SEED=\(seed))")

        // The guest reaches the host's loopback as 10.0.2.2 through qemu's user network.
        let listener = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        defer { listener.close() }
        let port = listener.address.split(separator: ":").last!
        let peer = CampaignPeer(chainID: try #require(env["SIGIL_POWERCUT_CHAIN"]), seed: seed)
        var rng = SeededRandom(seed: seed ^ 0x706C_7567)
        var done = 0
        var booting = 0.0
        let started = Date()

        var failedBoots = 0
        for cut in 0..<cuts {
            // A boot that dies before the signer dials in (a slow emulated timer can still panic the kernel) has
            // not touched the state disk: boot again, up to three times in a row.
            var booted: (qemu: Child, conn: ValidatorConnection, started: Date)?
            for _ in 0..<3 where booted == nil {
                let t0 = Date()
                let qemu = try Self.boot(port: port, unsafe: unsafe, accel: accel)
                if let conn = Self.accept(listener, while: qemu) {
                    booted = (qemu, conn, t0)
                } else {
                    failedBoots += 1
                    qemu.kill(SIGKILL)
                    qemu.wait()
                    Self.keepSerial(qemu)
                    print("power-cut: cut \(cut + 1): the VM never dialed in; serial: \(qemu.output.suffix(400))")
                }
            }
            guard let (qemu, conn, boot) = booted else {
                Issue.record("cut \(cut + 1): three boots in a row never reached the peer")
                break
            }
            defer { Self.keepSerial(qemu) }
            booting += Date().timeIntervalSince(boot)
            let killAt = Int.random(in: 0..<40, using: &rng)
            let window = max(2 * peer.medianRoundTripMicros, 1000)
            let delay = Int.random(in: 0..<window, using: &rng)
            var cutDone = false
            try peer.serve(conn, origin: "cut \(cut + 1)") { n in
                guard n == killAt else { return }
                usleep(UInt32(delay))
                qemu.kill(SIGKILL)
                qemu.wait()
                cutDone = true
            }
            conn.close()
            if !cutDone {
                let serial = qemu.output.suffix(3000)
                Issue.record("cut \(cut + 1): the connection ended before the plug was pulled\n\(serial)")
                qemu.kill(SIGKILL)
                qemu.wait()
                break
            }
            done += 1
            print("power-cut: cut \(done)/\(cuts) after request \(killAt) (+\(delay) µs), height \(peer.height), "
                + "signed \(peer.stats.signed), refused \(peer.stats.refused), "
                + "conflicts \(peer.ledger.conflicts.count)")
            fflush(nil)  // progress of a long run, even when stdout is a file
            if !peer.ledger.conflicts.isEmpty { break }
        }

        let conflicts = peer.ledger.conflicts
        let perBoot = done > 0 ? Int(booting / Double(done)) : 0
        print("power-cut: \(failedBoots) boots died before the signer dialed in")
        print("power-cut: \(done) cuts in \(Int(Date().timeIntervalSince(started))) s "
            + "(\(perBoot) s from qemu start to dial-in), height \(peer.height), "
            + "\(peer.stats), conflicts \(conflicts.count), seed \(seed)")
        for c in conflicts.prefix(3) { print("power-cut: conflict: \(c)") }
        if unsafe {
            #expect(!conflicts.isEmpty,
                    "with fsync skipped the campaign must find a conflict, or its zero means nothing")
        } else {
            #expect(done == cuts)
            for c in conflicts.prefix(5) { Issue.record("conflicting signatures released: \(c)") }
            #expect(peer.stats.signed >= done, "too few signatures for the campaign to mean anything: \(peer.stats)")
            #expect(peer.stats.reasks > 0 || done < 4)
        }
    }

    static func boot(port: Substring, unsafe: Bool, accel: String) throws -> Child {
        // no_timer_check: under heavy host load the emulated timer can look broken to the IO-APIC check.
        let append = "console=ttyS0 panic=-1 quiet no_timer_check sigil_port=\(port)"
            + (unsafe ? " sigil_unsafe=1" : "")
        return try Child(URL(fileURLWithPath: "/usr/bin/qemu-system-x86_64"), [
            "-machine", "accel=\(accel)", "-m", "1536", "-nographic", "-no-reboot",
            "-kernel", try #require(env["SIGIL_POWERCUT_KERNEL"]),
            "-initrd", try #require(env["SIGIL_POWERCUT_INITRD"]),
            "-append", append,
            // cache=unsafe: what the guest hands to the virtual disk is in the host's file (page cache) at
            // once, and a killed qemu cannot take it back; only the guest's own caches die with it.
            "-drive", "file=\(try #require(env["SIGIL_POWERCUT_DISK"])),format=raw,if=virtio,cache=unsafe",
            "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0,romfile=",
        ])
    }

    /// Waits up to 5 minutes for the VM's signer to dial in, but not for a qemu that already exited.
    static func accept(_ listener: ValidatorListener, while qemu: Child) -> ValidatorConnection? {
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline && qemu.process.isRunning {
            if let conn = try? listener.accept(timeout: 2, ioTimeout: 120) { return conn }
        }
        return nil
    }

    static func keepSerial(_ qemu: Child) {
        guard let path = env["SIGIL_POWERCUT_SERIAL"] else { return }
        try? qemu.output.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
