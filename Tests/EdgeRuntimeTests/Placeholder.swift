// Tests for EdgeRuntime arrive with the module.
