/// Answers one decoded request from the store: namespace check, then the store call, with every
/// `KVError` turned into a `.failure` result so one bad request never costs the connection.
struct KVRequestHandler: Sendable {
    let store: KVStore
    /// The namespaces served; empty means any name is accepted.
    let namespaces: Set<String>

    /// Answers `frames` in order, committing each run of consecutive writes as one transaction
    /// (`KVStore.apply`). A read first commits the writes before it, so it sees them: a client
    /// that pipelines put-then-get gets its own write back.
    func respond(to frames: [KVRequestFrame]) -> [KVResponseFrame] {
        var answers = [KVResponseFrame?](repeating: nil, count: frames.count)
        var writes: [(position: Int, write: KVWrite)] = []
        func commitWrites() {
            guard !writes.isEmpty else { return }
            let results = store.apply(writes.map(\.write))
            for ((position, _), result) in zip(writes, results) {
                let frame = frames[position]
                let outcome: KVResult
                switch result {
                case .success(let value): outcome = value
                case .failure(let error): outcome = .failure(error)
                }
                answers[position] = KVResponseFrame(id: frame.id, opcode: frame.request.opcode, result: outcome)
            }
            writes.removeAll(keepingCapacity: true)
        }
        for (position, frame) in frames.enumerated() {
            if let write = KVWrite(frame.request) {
                do throws(KVError) {
                    try check(write.namespace)
                    writes.append((position, write))
                } catch {
                    answers[position] = KVResponseFrame(
                        id: frame.id, opcode: frame.request.opcode, result: .failure(error))
                }
            } else {
                commitWrites()
                answers[position] = respond(to: frame)
            }
        }
        commitWrites()
        return answers.map { $0! }
    }

    func respond(to frame: KVRequestFrame) -> KVResponseFrame {
        let result: KVResult
        do {
            result = try execute(frame.request)
        } catch {
            result = .failure(error)
        }
        return KVResponseFrame(id: frame.id, opcode: frame.request.opcode, result: result)
    }

    private func execute(_ request: KVRequest) throws(KVError) -> KVResult {
        switch request {
        case .get(let namespace, let key):
            try check(namespace)
            return .entry(try store.get(namespace: namespace, key: key))
        case .put(let namespace, let key, let value, let expiration, let metadata, let ifVersion):
            try check(namespace)
            return .version(
                try store.put(
                    namespace: namespace, key: key, value: value, expiration: expiration, metadata: metadata,
                    ifVersion: ifVersion))
        case .delete(let namespace, let key, let ifVersion):
            try check(namespace)
            return .deleted(try store.delete(namespace: namespace, key: key, ifVersion: ifVersion))
        case .list(let namespace, let prefix, let limit, let cursor):
            try check(namespace)
            return .page(try store.list(namespace: namespace, prefix: prefix, limit: limit, cursor: cursor))
        case .ping:
            return .pong
        case .unknown(let opcode):
            throw KVError(.unknownOperation, "opcode \(opcode) is not an operation this KV service knows")
        }
    }

    private func check(_ namespace: String) throws(KVError) {
        if !namespaces.isEmpty && !namespaces.contains(namespace) {
            throw KVError(
                .unknownNamespace,
                "namespace '\(namespace)' is not served here; known: \(namespaces.sorted().joined(separator: ", "))")
        }
    }
}
