/// An object's name across the runtime: its class (a `[[durable_objects.bindings]]` name) and its
/// id (the user).
///
/// The KV keys derived from it put the class and id behind their byte lengths, so no choice of id
/// (one containing `:` included) can make two objects share a lease or a storage prefix.
public struct ObjectAddress: Hashable, Sendable, CustomStringConvertible {
    /// The registered class name.
    public let className: String
    /// The object's id.
    public let id: String

    /// Makes an address from its parts.
    public init(className: String, id: String) {
        self.className = className
        self.id = id
    }

    /// `Class/id`, for logs and error messages.
    public var description: String { "\(className)/\(id)" }

    /// `<class length>:<class>:<id length>:<id>`: unambiguous for any class and id.
    var keyStem: String { "\(className.utf8.count):\(className):\(id.utf8.count):\(id)" }

    /// The KV key holding the object's lease.
    public var leaseKey: String { "lease:" + keyStem }

    /// The KV key prefix under which the object's storage lives.
    public var storagePrefix: String { "obj:" + keyStem + ":" }
}
