// Signer module.
