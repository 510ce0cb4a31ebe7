// Tests for EdgeCore arrive with the module.
