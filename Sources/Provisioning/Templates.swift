import Signer

/// Text of the non-WireGuard bundle files. Values come from a validated `ProvisionRequest` only.
enum Templates {
    static func signerConfig(_ r: ProvisionRequest, home: String) -> String {
        ConfigTemplate.render(
            chainID: r.chainID, accountKeyPrefix: "kirapub", consensusKeyPrefix: "kiravalconspub", home: home,
            validatorAddr: "tcp://\(r.validatorTunnelIP):\(r.privvalPort)",
            protocolVersion: r.protocolVersion,
            consensusKeyFile: "priv_validator_key.json", tunnel: r.interface)
    }

    static func sekaidPatch(_ r: ProvisionRequest) -> String {
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
        # DNAT, no 127.0.0.1 publish (the three failed attempts of the KIRA guide).
        services:
          sekai:
            ports:
              # A container that joins sekai's namespace cannot publish ports itself, so sekai publishes WireGuard.
              - "\(r.validatorEndpoint.port):\(r.validatorEndpoint.port)/udp"
          sigil-tunnel:
            image: sigil:latest
            network_mode: "service:sekai"
            cap_add:
              - NET_ADMIN
            devices:
              - /dev/net/tun:/dev/net/tun
            tmpfs:
              - /run
            volumes:
              - ./\(r.interface).conf:/etc/sigil/\(r.interface).conf:ro
            entrypoint: ["/bin/sh", "-ec"]
            command:
              - |
                sigil tunnel up /etc/sigil/\(r.interface).conf
                trap 'sigil tunnel down /etc/sigil/\(r.interface).conf; exit 0' TERM INT
                sleep infinity & wait $$!
            restart: always

        """
    }

    static func signerCompose(_ r: ProvisionRequest) -> String {
        """
        # Machine B: the tunnel and the signer share one network namespace; the signer only dials out.
        #   docker compose -f <bundle>/compose.yml up -d
        services:
          sigil-tunnel:
            image: sigil:latest
            cap_add:
              - NET_ADMIN
            devices:
              - /dev/net/tun:/dev/net/tun
            ports:
              - "\(r.signerEndpoint.port):\(r.signerEndpoint.port)/udp"
            volumes:
              - ./\(r.interface).conf:/etc/sigil/\(r.interface).conf:ro
            entrypoint: ["/bin/sh", "-ec"]
            command:
              - |
                sigil tunnel up /etc/sigil/\(r.interface).conf
                trap 'sigil tunnel down /etc/sigil/\(r.interface).conf; exit 0' TERM INT
                sleep infinity & wait $$!
            restart: always
          sigil:
            image: sigil:latest
            network_mode: "service:sigil-tunnel"
            depends_on:
              - sigil-tunnel
            user: "10001:10001"
            volumes:
              - ./sigil.toml:/etc/sigil/sigil.toml:ro
              - ./secrets:/etc/sigil/secrets:ro
              - ./state:/etc/sigil/state
            command: ["start", "-c", "/etc/sigil/sigil.toml"]
            restart: unless-stopped

        """
    }

    static func validatorReadme(_ r: ProvisionRequest) -> String {
        """
        # Validator bundle (machine A) for \(r.chainID)

        Tunnel address \(r.validatorTunnelIP), WireGuard UDP \(r.validatorEndpoint.port) from \(r.signerEndpoint.address) only,
        privval port \(r.privvalPort) on the tunnel only.

        1. Copy this directory to machine A (it holds a private key: keep it 0600/0700).
        2. Firewall: `nft -c -f firewall/sigil.nft && nft -f firewall/sigil.nft` (or `firewall/sigil.iptables`,
           `firewall/sigil-ufw.sh`). Remove with `nft delete table inet sigil`.
        3. Apply `sekaid-config.toml.patch` to sekaid's config.toml, then check it:
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
           compare the printed key with `sekaid tendermint show-validator`, then delete the JSON copies.
        3. Firewall (lockdown: only WireGuard from \(r.validatorEndpoint.address), SSH and loopback):
           `nft -c -f firewall/sigil.nft && nft -f firewall/sigil.nft`.
        4. Tunnel: `sigil tunnel up \(home)/\(r.interface).conf` then `sigil tunnel wait-handshake \(home)/\(r.interface).conf`.
        5. Sign: `sigil start -c \(home)/sigil.toml` (or the systemd unit `sigil.service`, or `docker compose up -d`).
           The log shows `connected to validator successfully`, then `signed Prevote:... at h/r/s ...` lines.

        """
    }
}
