// Tests for EdgeKV arrive with the module.
