// Tests for OAuth arrive with the module.
