// Firewall module.
