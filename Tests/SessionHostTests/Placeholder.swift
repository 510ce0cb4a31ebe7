// Tests for SessionHost arrive with the module.
