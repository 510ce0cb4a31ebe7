// Tests for Supervisor arrive with the module.
