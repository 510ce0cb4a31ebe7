// Tests for Router arrive with the module.
