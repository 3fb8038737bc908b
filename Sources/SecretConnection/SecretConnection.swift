// SecretConnection module.
