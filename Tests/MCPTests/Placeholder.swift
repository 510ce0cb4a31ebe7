// Tests for MCP arrive with the module.
