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

    static func validatorCompose(_ r: ProvisionRequest, home: String) -> String {
        """
        # Machine A override for KIRA's sekin compose.yml (Docker Compose, or podman-compose >= 1.0.6):
        #   docker compose -f <sekin>/compose.yml -f \(home)/compose.yml up -d
        # The tunnel lives in sekai's network namespace, so sekaid can bind priv_validator_laddr on
        # \(r.validatorTunnelIP) and the privval port is reachable through the tunnel only: no bridge network, no
        # DNAT, no 127.0.0.1 publish (the three failed attempts of the KIRA guide). The decrypted privval packets
        # exist only in that namespace, so the bundle's firewall is loaded there too.
        # Paths are absolute: Compose resolves an override's relative paths against sekin's directory.
        services:
          sekai:
            ports:
              # A container that joins sekai's namespace cannot publish ports itself, so sekai publishes WireGuard.
              - "\(r.validatorEndpoint.port):\(r.validatorEndpoint.port)/udp"
        \(tunnelService(r, home: home, joining: "sekai", publish: nil))
        """
    }

    static func signerCompose(_ r: ProvisionRequest, home: String) -> String {
        """
        # Machine B: the tunnel and the signer share one network namespace; the signer only dials out.
        #   cd \(home) && docker compose up -d        (or podman-compose >= 1.0.6)
        # The signer's tunnel guard reads the WireGuard device before each dial, which needs CAP_NET_ADMIN and
        # wireguard-go's control socket (shared through the wireguard-run volume). Docker cannot give a capability
        # to a non-root user, so the signer runs as root with NET_ADMIN only and a read-only root filesystem.
        # Files are mounted at the same paths as on the host, so sigil.toml's paths hold in both places.
        services:
        \(tunnelService(r, home: home, joining: nil, publish: r.signerEndpoint.port))
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
              - \(home)/tmkms.toml:\(home)/tmkms.toml:ro
              - \(home)/secrets:\(home)/secrets:ro
              - \(home)/state:\(home)/state
              - wireguard-run:/run/wireguard
            command: ["start", "-c", "\(home)/tmkms.toml"]
        volumes:
          wireguard-run:
            driver_opts:
              type: tmpfs
              device: tmpfs

        """
    }

    /// The `sigil-tunnel` service: brings the tunnel up (wireguard-go when the kernel has no WireGuard) with the
    /// bundle's firewall loaded first, stays up, and takes the tunnel down on stop.
    private static func tunnelService(_ r: ProvisionRequest, home: String, joining: String?, publish: UInt16?) -> String {
        let conf = "/etc/sigil/\(r.interface).conf"
        var lines = ["  sigil-tunnel:", "    image: sigil:latest", "    restart: always"]
        if let joining { lines.append("    network_mode: \"service:\(joining)\"") }
        if let publish { lines += ["    ports:", "      - \"\(publish):\(publish)/udp\""] }
        lines += [
            "    user: \"0:0\"", "    cap_drop:", "      - ALL", "    cap_add:", "      - NET_ADMIN",
            "    devices:", "      - /dev/net/tun:/dev/net/tun", "    read_only: true", "    tmpfs:", "      - /run",
            "    volumes:", "      - \(home)/\(r.interface).conf:\(conf):ro",
            "      - \(home)/firewall:/etc/sigil/firewall:ro",
        ]
        if joining == nil { lines.append("      - wireguard-run:/run/wireguard") }
        lines += [
            "    entrypoint: [\"/bin/sh\", \"-ec\"]", "    command:", "      - |",
            "        nft -f /etc/sigil/firewall/sigil.nft", "        sigil tunnel up \(conf)",
            "        trap 'sigil tunnel down \(conf); exit 0' TERM INT", "        sleep infinity & wait $$!",
        ]
        return lines.joined(separator: "\n")
    }

    static func validatorReadme(_ r: ProvisionRequest, home: String) -> String {
        let compose = "docker compose -f <sekin>/compose.yml -f \(home)/compose.yml"
        return """
        # Validator bundle (machine A) for \(r.chainID)

        Tunnel address \(r.validatorTunnelIP), WireGuard UDP \(r.validatorEndpoint.port) from \(r.signerEndpoint.address) only,
        privval port \(r.privvalPort) on the tunnel only.

        1. Copy this directory to \(home) on machine A (it holds a private key: keep it 0700, wg0.conf 0600).
        2. Host firewall: `nft -c -f \(home)/firewall/sigil.nft && nft -f \(home)/firewall/sigil.nft` (or
           `firewall/sigil.iptables`, `firewall/sigil-ufw.sh`). Remove with `nft delete table inet sigil`.
        3. Set the line in `sekaid-config-change.toml` in sekaid's config.toml.
        4. Start with containers: `\(compose) up -d` (Podman: `podman-compose` 1.0.6 or newer with the same
           arguments). The sigil-tunnel service loads `firewall/sigil.nft` in sekai's network namespace and brings
           \(r.interface) up there; sekaid binds \(r.validatorTunnelIP):\(r.privvalPort) once it exists.
           Without containers: `sigil tunnel up \(home)/\(r.interface).conf` (or the systemd unit
           `sigil-tunnel@\(r.interface)`), then sekaid, then `sigil guard laddr <sekai home>/config/config.toml`.
        5. Verify: `\(compose) exec sigil-tunnel sigil tunnel wait-handshake /etc/sigil/\(r.interface).conf` succeeds
           once the signer is up (without containers: `sigil tunnel wait-handshake \(home)/\(r.interface).conf`).
        6. Restart: `\(compose) restart sekai`, then `... restart sigil-tunnel`: a restarted sekai has a new
           network namespace, and the tunnel must follow it there (one command restarting both may do it in any
           order).

        """
    }

    static func signerReadme(_ r: ProvisionRequest, home: String) -> String {
        """
        # Signer bundle (machine B) for \(r.chainID)

        Tunnel address \(r.signerTunnelIP); Sigil dials tcp://\(r.validatorTunnelIP):\(r.privvalPort) through \(r.interface) only.

        1. Copy this directory to \(home) on machine B (mode 0700; key files stay 0600).
        2. Import the consensus key: `sigil softsign import priv_validator_key.json \(home)/secrets/priv_validator_key.json`,
           then delete the JSON copies (step 4's `sigil check` compares the key with the node's).
        3. Host firewall (lockdown: only WireGuard from \(r.validatorEndpoint.address), SSH and loopback):
           `nft -c -f \(home)/firewall/sigil.nft && nft -f \(home)/firewall/sigil.nft`.
        4. Start with containers: `cd \(home) && docker compose up -d` (Podman: `podman-compose up -d`, 1.0.6 or
           newer). The sigil-tunnel service brings \(r.interface) up with the same firewall in its own namespace;
           the signer runs in that namespace. Without containers:
           `sigil tunnel up \(home)/\(r.interface).conf && sigil tunnel wait-handshake \(home)/\(r.interface).conf`, then
           `sigil start -c \(home)/tmkms.toml` (or the systemd unit `sigil.service`).
           Without containers, before `sigil start`: `sigil check -c \(home)/tmkms.toml` must print only `ok` lines; its
           `show-validator` line must equal what `sekaid tendermint show-validator` prints on machine A (it refuses
           while a signer holds the state lock, so it is not for the running container).
        5. Verify: the signer's log (`docker compose logs sigil`) shows `connected to validator successfully`, then
           `signed Prevote:... at h/r/s ...` lines.
        6. Restart: `docker compose restart sigil-tunnel`, then `docker compose restart sigil` (the signer must
           follow the tunnel into its new network namespace). `docker compose down` and `up -d` keep `state/`.

        """
    }
}
