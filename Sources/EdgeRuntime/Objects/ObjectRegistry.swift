/// Object classes by name, as `[[durable_objects.bindings]]` declares them.
///
/// Built once at start-up and read-only afterwards, which is what makes it `Sendable`.
public struct ObjectRegistry: Sendable {
    /// Makes a fresh instance of a class; the host calls `initialize(context:)` on it next.
    public typealias Factory = @Sendable () -> any DurableObject

    private var factories: [String: Factory] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `factory` under `className`, replacing any earlier registration.
    public mutating func register(_ className: String, factory: @escaping Factory) {
        factories[className] = factory
    }

    /// The registered class names, sorted.
    public var classNames: [String] { factories.keys.sorted() }

    /// A new instance of `className`, or `.unknownClass`.
    public func make(_ className: String) throws(ObjectHostError) -> any DurableObject {
        guard let factory = factories[className] else {
            throw ObjectHostError(
                .unknownClass,
                "no object class '\(className)' is registered; known classes: \(classNames.joined(separator: ", "))")
        }
        return factory()
    }
}
