// Privval module.
