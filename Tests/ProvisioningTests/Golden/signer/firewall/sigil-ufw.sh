# Sigil firewall: role signer, profile lockdown, interface wg0.
# Lockdown: every inbound packet not accepted below is dropped.
# Run as root. `ufw prepend` puts each rule first, so the last line below becomes rule 1.
# ICMP (frag-needed, echo) and established replies are allowed by ufw's before.rules already.
ufw default deny incoming
ufw default allow outgoing
ufw prepend deny proto udp from any to any port 51821 comment 'sigil: WireGuard from others'
ufw prepend allow proto udp from 203.0.113.10 to any port 51821 comment 'sigil: WireGuard from the peer'
ufw prepend allow proto tcp from any to any port 22 comment 'sigil: SSH stays open (--no-ssh closes it)'
ufw prepend deny in on wg0 comment 'sigil: nothing else over the tunnel'
ufw --force enable
# Remove: ufw status numbered, then ufw delete N for each rule commented 'sigil'.
