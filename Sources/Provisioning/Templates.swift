import SignerConfig

/// Text of the non-WireGuard bundle files. Values come from a validated `ProvisionRequest` only.
enum Templates {
    static func signerConfig(_ r: ProvisionRequest, home: String) throws -> String {
        try ConfigTemplate.render(
            chainID: r.chainID, accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub", home: home,
            validatorAddr: "tcp://\(r.validatorTunnelIP):\(r.privvalPort)",
            protocolVersion: r.protocolVersion,
            consensusKeyFile: "priv_validator_key.json", tunnel: r.interface)
    }

    static func sekaidConfigChange(_ r: ProvisionRequest) -> String {
        """
        # Change for sekaid's config.toml (top level, before the first [section]).
        # The node listens for the signer on the tunnel address only, never 0.0.0.0.
        # Check with: sigil guard laddr <path to config.toml>
        priv_validator_laddr = "tcp://\(r.validatorTunnelIP):\(r.privvalPort)"

        """
    }

    static func validatorCompose(_ r: ProvisionRequest) -> String {
        """
        # Machine A override for KIRA's sekin compose.yml:
        #   docker compose -f compose.yml -f <bundle>/compose.yml up -d
        # The tunnel lives in sekai's network namespace, so sekaid can bind priv_validator_laddr on
        # \(r.validatorTunnelIP) and the privval port is reachable through the tunnel only: no bridge network, no
        # DNAT, no 127.0.0.1 publish (the three failed attempts of the KIRA guide). The decrypted privval packets
        # exist only in that namespace, so the bundle's firewall is loaded there too.
        services:
          sekai:
            ports:
              # A container that joins sekai's namespace cannot publish ports itself, so sekai publishes WireGuard.
              - "\(r.validatorEndpoint.port):\(r.validatorEndpoint.port)/udp"
        \(tunnelService(r, joining: "sekai", publish: nil))
        """
    }

    static func signerCompose(_ r: ProvisionRequest) -> String {
        """
        # Machine B: the tunnel and the signer share one network namespace; the signer only dials out.
        #   docker compose -f <bundle>/compose.yml up -d
        # The signer's tunnel guard reads the WireGuard device before each dial, which needs CAP_NET_ADMIN and
        # wireguard-go's control socket (shared through the wireguard-run volume). Docker cannot give a capability
        # to a non-root user, so the signer runs as root with NET_ADMIN only and a read-only root filesystem.
        services:
        \(tunnelService(r, joining: nil, publish: r.signerEndpoint.port))
          sigil:
            image: sigil:latest
            network_mode: "service:sigil-tunnel"
            depends_on:
              - sigil-tunnel
            restart: always
            user: "0:0"
            cap_drop:
              - ALL
            cap_add:
              - NET_ADMIN
            security_opt:
              - no-new-privileges:true
            read_only: true
            volumes:
              - ./tmkms.toml:/etc/sigil/tmkms.toml:ro
              - ./secrets:/etc/sigil/secrets:ro
              - ./state:/etc/sigil/state
              - wireguard-run:/run/wireguard
            command: ["start", "-c", "/etc/sigil/tmkms.toml"]
        volumes:
          wireguard-run:
            driver_opts:
              type: tmpfs
              device: tmpfs

        """
    }

    /// The `sigil-tunnel` service: brings the tunnel up (wireguard-go when the kernel has no WireGuard) with the
    /// bundle's firewall loaded first, stays up, and takes the tunnel down on stop.
    private static func tunnelService(_ r: ProvisionRequest, joining: String?, publish: UInt16?) -> String {
        let conf = "/etc/sigil/\(r.interface).conf"
        var lines = ["  sigil-tunnel:", "    image: sigil:latest", "    restart: always"]
        if let joining { lines.append("    network_mode: \"service:\(joining)\"") }
        if let publish { lines += ["    ports:", "      - \"\(publish):\(publish)/udp\""] }
        lines += [
            "    user: \"0:0\"", "    cap_drop:", "      - ALL", "    cap_add:", "      - NET_ADMIN",
            "    devices:", "      - /dev/net/tun:/dev/net/tun", "    read_only: true", "    tmpfs:", "      - /run",
            "    volumes:", "      - ./\(r.interface).conf:\(conf):ro", "      - ./firewall:/etc/sigil/firewall:ro",
        ]
        if joining == nil { lines.append("      - wireguard-run:/run/wireguard") }
        lines += [
            "    entrypoint: [\"/bin/sh\", \"-ec\"]", "    command:", "      - |",
            "        nft -f /etc/sigil/firewall/sigil.nft", "        sigil tunnel up \(conf)",
            "        trap 'sigil tunnel down \(conf); exit 0' TERM INT", "        sleep infinity & wait $$!",
        ]
        return lines.joined(separator: "\n")
    }

    static func validatorReadme(_ r: ProvisionRequest) -> String {
        """
        # Validator bundle (machine A) for \(r.chainID)

        Tunnel address \(r.validatorTunnelIP), WireGuard UDP \(r.validatorEndpoint.port) from \(r.signerEndpoint.address) only,
        privval port \(r.privvalPort) on the tunnel only.

        1. Copy this directory to machine A (it holds a private key: keep it 0600/0700).
        2. Firewall: `nft -c -f firewall/sigil.nft && nft -f firewall/sigil.nft` (or `firewall/sigil.iptables`,
           `firewall/sigil-ufw.sh`). Remove with `nft delete table inet sigil`.
        3. Set the line in `sekaid-config-change.toml` in sekaid's config.toml, then check it:
           `sigil guard laddr <sekai home>/config/config.toml` once the tunnel is up.
        4. Start: with Docker, `docker compose -f <sekin>/compose.yml -f compose.yml up -d`; without Docker,
           `sigil tunnel up \(r.interface).conf` (or the systemd unit `sigil-tunnel@\(r.interface)`), then sekaid.
        5. Verify: `sigil tunnel show \(r.interface).conf` shows a recent handshake once the signer is up;
           `sigil tunnel wait-handshake \(r.interface).conf` fails if none arrives.

        """
    }

    static func signerReadme(_ r: ProvisionRequest, home: String) -> String {
        """
        # Signer bundle (machine B) for \(r.chainID)

        Tunnel address \(r.signerTunnelIP); Sigil dials tcp://\(r.validatorTunnelIP):\(r.privvalPort) through \(r.interface) only.

        1. Copy this directory to \(home) on machine B (mode 0700; key files stay 0600).
        2. Import the consensus key: `sigil softsign import priv_validator_key.json \(home)/secrets/priv_validator_key.json`,
           then delete the JSON copies (step 5 compares the key with the node's).
        3. Firewall (lockdown: only WireGuard from \(r.validatorEndpoint.address), SSH and loopback):
           `nft -c -f firewall/sigil.nft && nft -f firewall/sigil.nft`.
        4. Tunnel: `sigil tunnel up \(home)/\(r.interface).conf` then `sigil tunnel wait-handshake \(home)/\(r.interface).conf`.
        5. Check: `sigil check -c \(home)/tmkms.toml` must print only `ok` lines; its `show-validator` line must equal
           what `sekaid tendermint show-validator` prints on machine A.
        6. Sign: `sigil start -c \(home)/tmkms.toml` (or the systemd unit `sigil.service`, or `docker compose up -d`).
           The log shows `connected to validator successfully`, then `signed Prevote:... at h/r/s ...` lines.

        """
    }
}
