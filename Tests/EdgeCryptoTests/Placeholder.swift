// Tests for EdgeCrypto arrive with the module.
