#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp <subcommand> [flags]`: one binary, one subcommand per process of the design.
let commands: [Subcommand] = [
    ConfigCommand.subcommand,
    KVCommand.subcommand,
    KVCLICommand.subcommand,
    HostCommand.subcommand,
    SandboxCommand.subcommand,
    MCPDevCommand.subcommand,
    ServeHTTPCommand.subcommand,
    RouterCommand.subcommand,
    GrantsCommand.subcommand,
    UpCommand.subcommand,
    AuditCommand.subcommand,
    StdioCommand.subcommand,
    LoginCommand.subcommand,
]

exit(await Subcommand.dispatch(CommandLine.arguments, commands: commands))
