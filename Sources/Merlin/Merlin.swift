// Merlin module.
