import Foundation

/// Loads what every subcommand starts from: `wrangler.toml` plus flags into a `Config`, and the
/// environment plus `.dev.vars` into `Secrets`, all validated at once.
///
/// Call it first thing; on failure print `errors.messages` one per line and exit 1.
public enum ConfigLoader {
    /// The file read when no `--config` is given, relative to the current directory.
    public static let defaultPath = "wrangler.toml"

    /// Reads and validates the configuration.
    ///
    /// - Parameters:
    ///   - path: `--config`; nil means `./wrangler.toml`, and if that file does not exist the
    ///     defaults are used. A path given explicitly must exist.
    ///   - overrides: flag values, which win over the file.
    ///   - environment: the process environment (secrets, and `LOG_LEVEL`/`ENVIRONMENT`/
    ///     `ENABLE_TRADING`, which override `[vars]` as in `wrangler dev`).
    ///   - currentDirectory: what relative `--config` and path flags resolve against.
    /// - Throws: `ConfigErrors` with every problem found in the file, the flags and the secrets.
    public static func load(
        path: String?, overrides: ConfigOverrides = ConfigOverrides(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigErrors) -> (Config, Secrets) {
        let configPath = ConfigDecoder.resolve(path ?? defaultPath, against: currentDirectory)
        let baseDirectory = (configPath as NSString).deletingLastPathComponent
        var text = ""
        var sourcePath: String? = configPath
        if let data = FileManager.default.contents(atPath: configPath) {
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigErrors([.invalid("--config", expected: "a UTF-8 text file", received: configPath)])
            }
            text = decoded
        } else if path == nil && !FileManager.default.fileExists(atPath: configPath) {
            sourcePath = nil
        } else {
            throw ConfigErrors([.invalid("--config", expected: "a readable TOML file", received: configPath)])
        }

        let devVarsPath = baseDirectory + "/.dev.vars"
        var devVars: (entries: [DotEnvParser.Entry], problems: [ConfigProblem]) = ([], [])
        if let data = FileManager.default.contents(atPath: devVarsPath) {
            devVars = DotEnvParser.parse(String(decoding: data, as: UTF8.self), fileName: devVarsPath)
        }
        let (resolved, secrets) = try resolve(
            toml: text, fileName: (configPath as NSString).lastPathComponent, baseDirectory: baseDirectory,
            overrides: overrides, environment: environment, devVars: devVars,
            currentDirectory: currentDirectory, fileExists: { FileManager.default.isReadableFile(atPath: $0) })
        var config = resolved
        config.sourcePath = sourcePath
        return (config, secrets)
    }

    /// The pure core of `load`: TOML text, the folder it lives in, flags, the environment and the
    /// already-read `.dev.vars` in; a validated configuration out.
    public static func resolve(
        toml text: String, fileName: String = "wrangler.toml", baseDirectory: String,
        overrides: ConfigOverrides = ConfigOverrides(), environment: [String: String] = [:],
        devVars: (entries: [DotEnvParser.Entry], problems: [ConfigProblem]) = ([], []),
        currentDirectory: String? = nil, fileExists: @escaping (String) -> Bool = { _ in true }
    ) throws(ConfigErrors) -> (Config, Secrets) {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(text)
        } catch {
            throw ConfigErrors([ConfigProblem(key: fileName, message: error.description)])
        }
        var merged = environment
        for entry in devVars.entries where merged[entry.name] == nil { merged[entry.name] = entry.value }
        var decoder = ConfigDecoder(
            baseDirectory: ConfigDecoder.normalizePath(baseDirectory),
            currentDirectory: ConfigDecoder.normalizePath(currentDirectory ?? baseDirectory), overrides: overrides,
            fileExists: fileExists)
        let config = decoder.decode(document, environment: merged)
        let secrets = Secrets(environment: environment, devVars: devVars.entries)
        let problems = decoder.problems + devVars.problems + secrets.validate()
        guard problems.isEmpty, let config else { throw ConfigErrors(problems) }
        return (config, secrets)
    }
}

extension Config {
    /// The root logger of a process: level from `LOG_LEVEL`, JSON lines on stderr, redaction
    /// built in, and the values of `secrets` scrubbed from every line as a backstop. Name it for
    /// the process (`kv`, `router`, `host`, `sandbox`); children use `named`.
    public func makeLogger(label: String, secrets: Secrets? = nil, sink: LogSink = .standardError) -> Logger {
        let logger = Logger(label: label, level: logLevel, sink: sink)
        guard let secrets else { return logger }
        let names = secrets.names.filter { Secrets.isSecretName($0) && $0 != Secrets.schwabRedirectURI }
        return logger.scrubbing(names.compactMap { secrets[$0] })
    }
}
