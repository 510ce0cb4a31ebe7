// Tests for EdgeNet arrive with the module.
