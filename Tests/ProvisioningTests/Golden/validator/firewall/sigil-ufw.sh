# Sigil firewall: role validator, profile scoped, interface wg0.
# Scoped: only drops traffic Sigil owns; ufw, firewalld and Docker rules keep deciding the rest
# (a host firewall with a drop policy still needs its own allow for 51820/udp and 26659/tcp on wg0).
# ufw never sees Docker-published ports (they are forwarded, not delivered to the host), so
# these rules cover the host only: load `sigil firewall --docker` as nft or iptables for the
# forward guard (it coexists with ufw).
# Run as root. `ufw prepend` puts each rule first, so the last line below becomes rule 1.
# ICMP (frag-needed, echo) and established replies are allowed by ufw's before.rules already.
ufw prepend deny proto tcp from any to any port 26659 comment 'sigil: privval off the tunnel'
ufw prepend deny proto udp from any to any port 51820 comment 'sigil: WireGuard from others'
ufw prepend allow proto udp from 198.51.100.20 to any port 51820 comment 'sigil: WireGuard from the peer'
ufw prepend deny in on wg0 comment 'sigil: nothing else over the tunnel'
ufw prepend allow in on wg0 proto tcp from 10.200.0.2 to 10.200.0.1 port 26659 comment 'sigil: privval from the signer over the tunnel'
# Remove: ufw status numbered, then ufw delete N for each rule commented 'sigil'.
