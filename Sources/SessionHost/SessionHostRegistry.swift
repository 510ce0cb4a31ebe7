import EdgeCore
import EdgeRuntime

/// The object classes a session host can run, by name.
///
/// `[[durable_objects.bindings]]` name each binding and its `class_name`; the router addresses
/// objects by either, so each known class is registered under its class name and every binding
/// name that points at it. Classes arrive as Swift factories: `RuntimeProbe` (the runtime's test
/// class) now, the MCP object next; callers with more classes pass them in `extra`.
public enum SessionHostRegistry {
    /// The factories built into this binary, by class name.
    public static let builtIn: [String: ObjectRegistry.Factory] = [
        RuntimeProbe.className: { RuntimeProbe() }
    ]

    /// A registry for `bindings`: every built-in (and `extra`) class under its class name, plus
    /// each binding name whose class is known.
    public static func make(
        bindings: [Config.DurableObjectBinding], extra: [String: ObjectRegistry.Factory] = [:]
    ) -> ObjectRegistry {
        let factories = builtIn.merging(extra) { _, new in new }
        var registry = ObjectRegistry()
        for (className, factory) in factories { registry.register(className, factory: factory) }
        for binding in bindings {
            if let factory = factories[binding.className] { registry.register(binding.name, factory: factory) }
        }
        return registry
    }

    /// The bindings whose class this binary does not know, for a start-up warning.
    public static func unknownClasses(
        in bindings: [Config.DurableObjectBinding], extra: [String: ObjectRegistry.Factory] = [:]
    ) -> [String] {
        bindings.map(\.className).filter { builtIn[$0] == nil && extra[$0] == nil }
    }
}
