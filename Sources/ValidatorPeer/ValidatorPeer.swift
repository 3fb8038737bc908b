// ValidatorPeer module.
