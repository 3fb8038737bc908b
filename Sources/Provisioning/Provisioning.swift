// Provisioning module.
