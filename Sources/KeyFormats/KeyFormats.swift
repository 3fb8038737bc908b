// KeyFormats module.
