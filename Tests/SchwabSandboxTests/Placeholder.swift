// Tests for SchwabSandbox arrive with the module.
